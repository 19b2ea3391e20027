from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Product
from .services import invalidate_price_list


@receiver(
    [post_save, post_delete],
    sender=Product,
    dispatch_uid="product_cache.clear_price_list",
)
def clear_price_list(sender, using, **kwargs):
    """A saved or deleted product makes the cached price list wrong.

    Saves from loaddata (raw=True) count too: the fixture changed the rows.
    The cache is cleared only once the transaction commits; clearing it
    earlier would let another request cache the old rows again before the
    new ones are visible. robust=True: a cache outage must not turn a
    committed save into an error.
    """
    transaction.on_commit(invalidate_price_list, using=using, robust=True)
