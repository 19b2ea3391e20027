import logging

from django.db.models import Count, Sum

from .models import Folder
from .signals import folder_exported

logger = logging.getLogger(__name__)


# --8<-- [start:delete_documents]
def delete_documents(documents):
    """Delete a queryset of documents and log the deletion once.

    A post_delete receiver for Document would log the same thing, but then
    every delete of documents, anywhere, would load each row and send one
    signal per row. Here the delete stays a single query.
    """
    _total, per_model = documents.delete()
    count = per_model.get("signal_performance.Document", 0)
    logger.info("Deleted %d documents", count)
    return count
    # --8<-- [end:delete_documents]


# --8<-- [start:export_folder]
def export_folder(folder):
    """Return the titles in `folder`, and announce the export to receivers.

    The summary costs a query, so it is built only when a receiver would
    get it.
    """
    titles = list(folder.documents.order_by("title").values_list("title", flat=True))
    if folder_exported.has_listeners(Folder):
        folder_exported.send(sender=Folder, folder=folder, summary=summarize(folder))
    return titles


def summarize(folder):
    return folder.documents.aggregate(count=Count("pk"), total_size=Sum("size"))
    # --8<-- [end:export_folder]
