"""Receivers in a module that nothing imports, so they never run.

apps.py imports signals.py, not this file; no other module imports it.
"""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Document

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Document, dispatch_uid="pitfalls.forgotten.log_save")
def log_document_save(sender, instance, **kwargs):
    """Would log every save of a document, if anything imported this module."""
    logger.info("Saved document %s", instance.pk)
