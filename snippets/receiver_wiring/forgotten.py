"""Receivers in a module that nothing imports when Django starts.

apps.py does not import this module, so until something does, neither
receiver is connected. The tests import it on purpose, under two names.
"""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Magazine

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Magazine)
def without_uid(sender, instance, **kwargs):
    """Connected once per import of this file: no dispatch_uid."""
    logger.info("without_uid heard %r", instance.title)


@receiver(post_save, sender=Magazine, dispatch_uid="receiver_wiring.with_uid")
def with_uid(sender, instance, **kwargs):
    """Connected once, however often this file is imported."""
    logger.info("with_uid heard %r", instance.title)
