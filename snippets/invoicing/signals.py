import logging
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Invoice
from .services import TOTALS_CACHE_KEY, email_invoice

logger = logging.getLogger(__name__)


# --8<-- [start:queue_invoice_email]
@receiver(post_save, sender=Invoice, dispatch_uid="invoicing.queue_invoice_email")
def queue_invoice_email(sender, instance, created, raw, **kwargs):
    """Email each new invoice to its customer, once it is committed."""
    if not created or raw:
        return
    # Light: the receiver only queues the work. Django runs it after
    # COMMIT, and drops it if the transaction rolls back.
    transaction.on_commit(partial(email_invoice, instance.pk))
    # Lazy %-formatting, and the invoice number rather than the address.
    logger.info("Queued the email for invoice %s", instance.number)


# --8<-- [end:queue_invoice_email]


# --8<-- [start:forget_invoiced_total]
@receiver(
    [post_save, post_delete],
    sender=Invoice,
    dispatch_uid="invoicing.forget_invoiced_total",
)
def forget_invoiced_total(sender, **kwargs):
    """A changed invoice makes the cached total wrong: drop it after commit."""
    transaction.on_commit(clear_invoiced_total)


def clear_invoiced_total():
    try:
        cache.delete(TOTALS_CACHE_KEY)
    except Exception:
        # The invoice is saved; a cache outage must not turn that into an
        # error page. The cached value expires on its own (services.py).
        logger.exception("Could not clear the cached invoiced total")


# --8<-- [end:forget_invoiced_total]
