from django.db import transaction

from .models import Order


def place_order(number, email):
    """Create an order in a transaction of its own, or in the caller's.

    The receivers write the outbox message and the task in whatever
    transaction the save runs in. Without this block, a caller in autocommit
    would commit the order before its receivers even start.
    """
    with transaction.atomic():
        return Order.objects.create(number=number, email=email)
