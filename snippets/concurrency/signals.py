import logging
from functools import partial

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError
from django.dispatch import receiver

from .models import PriceChange, Product, Review, ReviewNotice

logger = logging.getLogger(__name__)


# --8<-- [start:read_stored_price]
@receiver(pre_save, sender=Product, dispatch_uid="concurrency.read_stored_price")
def read_stored_price(sender, instance, raw, using, update_fields, **kwargs):
    """Read the price the row holds now, and lock the row until the commit.

    The price an instance was loaded with can be stale by the time it is
    saved: another request may have saved the product in between. Only the
    row, read in the transaction that saves it, gives the exact old price.
    """
    instance._stored_price = None
    if raw or instance.pk is None:
        return  # loaddata, or a new product: there is no stored price
    if update_fields is not None and "price" not in update_fields:
        return  # this save leaves the price alone: no query, no lock
    if transaction.get_autocommit(using):
        # Outside atomic() the lock would end with the SELECT, before the
        # UPDATE. PostgreSQL refuses select_for_update() there; SQLite
        # ignores it, so the receiver refuses on every database.
        raise TransactionManagementError(
            "Save a product's price inside transaction.atomic()."
        )
    rows = sender._base_manager.using(using).select_for_update().filter(pk=instance.pk)
    prices = list(rows.values_list("price", flat=True))  # one row, or none
    instance._stored_price = prices[0] if prices else None


# --8<-- [end:read_stored_price]


# --8<-- [start:record_price_change]
@receiver(post_save, sender=Product, dispatch_uid="concurrency.record_price_change")
def record_price_change(sender, instance, raw, using, **kwargs):
    """Record a save that changed the stored price, from the row's old price."""
    old_price = getattr(instance, "_stored_price", None)
    if raw or old_price is None:
        return
    new_price = instance.price
    if hasattr(new_price, "resolve_expression"):
        # An F() expression: Django 5.2 leaves it on the instance, so read
        # the result. Django 6.0+ has read it back already.
        rows = sender._base_manager.using(using).filter(pk=instance.pk)
        new_price = rows.values_list("price", flat=True).get()
    new_price = sender._meta.get_field("price").to_python(new_price)
    if new_price != old_price:
        PriceChange.objects.using(using).create(
            product=instance, old_price=old_price, new_price=new_price
        )
        transaction.on_commit(
            partial(_log_price_change, instance.pk, old_price, new_price),
            using=using,
        )


def _log_price_change(product_id, old_price, new_price):
    logger.info("Price of product %s: %s -> %s", product_id, old_price, new_price)


# --8<-- [end:record_price_change]


# --8<-- [start:count_review]
@receiver(post_save, sender=Review, dispatch_uid="concurrency.count_review")
def count_review(sender, instance, created, raw, using, **kwargs):
    """Count a new review on its product, in the database, not in Python."""
    if raw or not created:
        return  # loaddata brings its own counts; an edit is not a new review
    # By id: instance.product is whatever copy the caller loaded, maybe stale.
    product = Product.objects.using(using).filter(pk=instance.product_id)
    # F(): the database adds one to the count it holds when it writes.
    product.update(review_count=F("review_count") + 1)
    # A conditional update: the row changes only if this rating is higher
    # than the top rating stored at that moment.
    if product.filter(top_rating__lt=instance.rating).update(
        top_rating=instance.rating
    ):
        transaction.on_commit(
            partial(_log_top_rating, instance.product_id, instance.rating),
            using=using,
        )


def _log_top_rating(product_id, rating):
    logger.info("Product %s has a new top rating: %s", product_id, rating)


# --8<-- [end:count_review]


# --8<-- [start:notify_staff]
@receiver(post_save, sender=Review, dispatch_uid="concurrency.notify_staff")
def notify_staff(sender, instance, raw, using, **kwargs):
    """Tell the staff about a published review once, however often it is saved."""
    if raw or not instance.published:
        return
    # get_or_create() runs its INSERT in a savepoint of its own. If another
    # save got there first, the unique review column refuses the row, only
    # the savepoint rolls back, and get_or_create() reads the existing one.
    _, created = ReviewNotice.objects.using(using).get_or_create(review=instance)
    if created:
        transaction.on_commit(partial(_notify, instance.pk), using=using)


def _notify(review_id):
    # A real app would send an email here: after the commit, at most once.
    logger.info("Staff notified of published review %s", review_id)


# --8<-- [end:notify_staff]
