import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_init, post_save, pre_save
from django.dispatch import receiver

from .models import PriceChange, Product

logger = logging.getLogger(__name__)


# --8<-- [start:post_init]
@receiver(post_init, sender=Product, dispatch_uid="price_history.remember_price")
def remember_price(sender, instance, **kwargs):
    """Remember the price an instance was built with, to spot a change on save.

    post_init runs for every row a queryset loads, so it must stay cheap: it
    reads __dict__ only. Reading instance.price on a row loaded with only() or
    defer() would cost one query per row; such a row remembers None instead,
    and read_stored_price() looks the price up if the row is saved.
    """
    instance._original_price = instance.__dict__.get("price")


# --8<-- [end:post_init]


# --8<-- [start:pre_save]
@receiver(pre_save, sender=Product, dispatch_uid="price_history.read_stored_price")
def read_stored_price(sender, instance, raw, using, update_fields, **kwargs):
    """Read the stored price, in one query, when the instance cannot know it."""
    if raw or not _writes_price(update_fields):
        return
    if instance._state.adding:
        # Built in Python, not loaded: its price says nothing about a row
        # that may already have this pk. A new product (no pk) has no row.
        instance._original_price = None
    if getattr(instance, "_original_price", None) is None and instance.pk is not None:
        instance._original_price = _stored_price(sender, instance, using)


def _writes_price(update_fields):
    return update_fields is None or "price" in update_fields


def _stored_price(model, instance, using):
    rows = model._base_manager.using(using).filter(pk=instance.pk)
    return rows.values_list("price", flat=True).first()


# --8<-- [end:pre_save]


# --8<-- [start:post_save]
@receiver(post_save, sender=Product, dispatch_uid="price_history.record_price")
def record_price_change(sender, instance, created, raw, using, update_fields, **kwargs):
    """Write a PriceChange row when a save stored a different price."""
    if raw:
        # loaddata: the instance was built from the fixture, so there is no
        # earlier price to compare with, and the fixture brings its history.
        return
    if not _writes_price(update_fields):
        # save(update_fields=...) or an only()/defer() row: price not written.
        return
    old_price = instance._original_price
    new_price = instance.price
    if hasattr(new_price, "resolve_expression"):
        # An F() expression the database computed: Django 5.2 leaves it on
        # the instance, so read the result. Django 6.0+ has read it back.
        new_price = _stored_price(sender, instance, using)
    # A price set as a string ("9.50") is written fine; compare it as a Decimal.
    new_price = sender._meta.get_field("price").to_python(new_price)
    # Until the transaction commits, the saved price is not certain: if it
    # rolls back, the row keeps its old price. Forget it until then, so the
    # next save reads the stored price instead of trusting this one.
    instance._original_price = None
    changed = not created and old_price is not None and old_price != new_price
    if changed:
        PriceChange.objects.using(using).create(
            product=instance, old_price=old_price, new_price=new_price
        )
    transaction.on_commit(
        partial(_committed, instance, old_price, new_price, changed), using=using
    )


def _committed(instance, old_price, new_price, changed):
    instance._original_price = new_price
    if changed:
        logger.info(
            "Price of product %s changed from %s to %s",
            instance.pk,
            old_price,
            new_price,
        )


# --8<-- [end:post_save]
