"""Receivers that this app does not connect.

Each one shows a cost. The tests and the demo connect them for a while, with
testing.connected(), and measure what they change.
"""

import logging

logger = logging.getLogger(__name__)


# --8<-- [start:delete_listener]
def log_document_deleted(sender, instance, **kwargs):
    """Connected for Document, it makes Django load every document it deletes."""
    logger.info("Document %r deleted", instance.title)
    # --8<-- [end:delete_listener]


# --8<-- [start:no_sender]
def log_every_save(sender, instance, **kwargs):
    """Meant for documents, but connected with no sender: it hears every model."""
    logger.info("%s saved", sender._meta.label)
    # --8<-- [end:no_sender]
