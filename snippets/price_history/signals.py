import logging

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from .models import PriceChange, Product

logger = logging.getLogger(__name__)


# --8<-- [start:post_init]
@receiver(post_init, sender=Product, dispatch_uid="price_history.remember_price")
def remember_price(sender, instance, **kwargs):
    """Remember the price an instance started with, to spot a change on save.

    post_init runs for every row a queryset loads, so it must stay cheap: it
    reads __dict__ only. Reading instance.price on a row loaded with only() or
    defer() would cost one query per row; such a row remembers None instead.
    """
    instance._original_price = instance.__dict__.get("price")


# --8<-- [end:post_init]


# --8<-- [start:post_save]
@receiver(post_save, sender=Product, dispatch_uid="price_history.record_price")
def record_price_change(sender, instance, created, raw, update_fields, **kwargs):
    """Write a PriceChange row when a save stored a different price."""
    if raw:
        # loaddata: the instance was built from the fixture, so there is no
        # earlier price to compare with, and the fixture brings its history.
        return
    if update_fields is not None and "price" not in update_fields:
        # save(update_fields=...) or an only()/defer() row: price not written.
        return
    old_price = getattr(instance, "_original_price", None)
    instance._original_price = instance.price
    if created or old_price is None or old_price == instance.price:
        return
    PriceChange.objects.create(
        product=instance, old_price=old_price, new_price=instance.price
    )
    logger.info(
        "Price of product %s changed from %s to %s",
        instance.pk,
        old_price,
        instance.price,
    )


# --8<-- [end:post_save]
