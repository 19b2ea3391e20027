import logging

from django.db import transaction

from .models import AuditEntry

logger = logging.getLogger(__name__)


@transaction.atomic
def archive_documents(documents):
    """Archive many documents at once, and audit each one.

    QuerySet.update() sends no post_save, so audit_document_save never sees
    these changes: this function writes their audit entries itself, in the
    same transaction as the update.
    """
    pks = list(documents.filter(archived=False).values_list("pk", flat=True))
    documents.model.objects.filter(pk__in=pks).update(archived=True)
    AuditEntry.objects.bulk_create(
        AuditEntry(document_id=pk, action="archived") for pk in pks
    )
    logger.info("Archived %d documents", len(pks))
    return len(pks)
