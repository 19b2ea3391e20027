import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import AuditEntry, Purchase
from .tasks import send_receipt

logger = logging.getLogger(__name__)


# --8<-- [start:record_purchase]
@receiver(post_save, sender=Purchase, dispatch_uid="order_receipts.record_purchase")
def record_purchase(sender, instance, created, raw, using, **kwargs):
    """Add the new purchase to the audit trail.

    This write belongs in the caller's transaction: if the purchase rolls
    back, its audit entry must roll back too. So it runs right here.
    """
    if not created or raw:
        return
    AuditEntry.objects.using(using).create(
        purchase_number=instance.number, action="created"
    )


# --8<-- [end:record_purchase]


# --8<-- [start:queue_receipt]
@receiver(post_save, sender=Purchase, dispatch_uid="order_receipts.queue_receipt")
def queue_receipt(sender, instance, created, raw, using, **kwargs):
    """Send the receipt in the background, once the purchase is committed.

    robust=True: the purchase is committed by the time the callback runs. If
    the queue is down, log it (receipt_sent_at stays empty, so the purchase
    can be found later) rather than fail the request that made the purchase.
    A lambda, not functools.partial: Django 5.2 cannot log a failed robust
    callback that has no __qualname__.
    """
    if not created or raw:
        return
    purchase_id = instance.pk  # only JSON goes to the queue: the primary key
    transaction.on_commit(
        lambda: send_receipt.enqueue(purchase_id), using=using, robust=True
    )
    logger.info("Receipt for purchase %s queued for after commit", instance.number)


# --8<-- [end:queue_receipt]
