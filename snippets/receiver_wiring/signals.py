import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Book

logger = logging.getLogger(__name__)


# --8<-- [start:list]
@receiver(
    [post_save, post_delete],
    sender=Book,
    dispatch_uid="receiver_wiring.log_book_change",
)
def log_book_change(sender, instance, signal, **kwargs):
    """Log every saved or deleted book: one function, two signals."""
    action = "deleted" if signal is post_delete else "saved"
    logger.info("Book %r %s", instance.title, action)
    # --8<-- [end:list]


# --8<-- [start:lazy]
@receiver(
    post_save,
    sender="receiver_wiring.Magazine",
    dispatch_uid="receiver_wiring.log_magazine_saved",
)
def log_magazine_saved(sender, instance, created, **kwargs):
    """Log saved magazines; the sender is named, not imported."""
    logger.info("Magazine %r saved (created=%s)", instance.title, created)
    # --8<-- [end:lazy]


# --8<-- [start:plain]
def log_magazine_deleted(sender, instance, **kwargs):
    """Log deleted magazines; apps.py connects this one with connect()."""
    logger.info("Magazine %r deleted", instance.title)
    # --8<-- [end:plain]
