import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Folder

logger = logging.getLogger(__name__)

# --8<-- [start:custom]
# Sent by services.export_folder() with sender=Folder and two arguments:
# `folder`, and `summary`, a dict that costs a query to build.
folder_exported = Signal()
# --8<-- [end:custom]


# --8<-- [start:with_sender]
@receiver(post_delete, sender=Folder, dispatch_uid="signal_performance.folder_deleted")
def log_folder_deleted(sender, instance, **kwargs):
    """Runs for deleted folders only; documents are still deleted in bulk."""
    logger.info("Folder %r deleted", instance.name)
    # --8<-- [end:with_sender]


# --8<-- [start:lazy_sender]
@receiver(
    post_save,
    sender="signal_performance.Document",
    dispatch_uid="signal_performance.document_saved",
)
def log_document_saved(sender, instance, created, **kwargs):
    """Runs when a document is saved, and for no other model."""
    logger.info("Document %r saved (created=%s)", instance.title, created)
    # --8<-- [end:lazy_sender]
