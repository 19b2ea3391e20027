from functools import partial

from django.db import transaction

from .models import Order
from .signals import order_completed


def complete_order(order, *, completed_by=None):
    """Complete an order, then, once that is committed, tell whoever listens.

    The signal is sent here, where the business event happens, and not from
    Order.save(): the admin, fixtures and data fixes save orders too, and
    none of them completes one.
    """
    with transaction.atomic():
        # One UPDATE that matches the row only while it is not completed.
        # Two requests may each hold a copy that still says "pending" (a
        # double-click, two workers): the database lets one of them change
        # the row, and only that one announces it. Unlike save(), update()
        # sends no pre_save or post_save.
        changed = (
            Order.objects.filter(pk=order.pk)
            .exclude(status=Order.Status.COMPLETED)
            .update(status=Order.Status.COMPLETED)
        )
        order.status = Order.Status.COMPLETED  # by this call or an earlier one
        if changed:
            # After the commit: the receivers run outside this transaction
            # (and outside the caller's, ATOMIC_REQUESTS included), so nothing
            # they do can roll the completion back. send_robust(): a failing
            # receiver is logged to "django.dispatch" and does not stop the
            # others.
            transaction.on_commit(
                partial(
                    order_completed.send_robust,
                    sender=Order,
                    order=order,
                    completed_by=completed_by,
                )
            )
    return order
