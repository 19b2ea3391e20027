from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Product
from .services import refresh_price_list


@receiver(
    [post_save, post_delete],
    sender=Product,
    dispatch_uid="product_cache.refresh_price_list",
)
def refresh_price_list_on_change(sender, using, **kwargs):
    """A saved or deleted product makes the cached price list wrong.

    Saves from loaddata (raw=True) count too: the fixture changed the rows.
    The list is rebuilt and stored only once the transaction commits; before
    that, the new rows may still roll back. robust=True: a cache outage must
    not turn a committed save into an error.
    """
    transaction.on_commit(refresh_price_list, using=using, robust=True)
