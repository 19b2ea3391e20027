"""Two receivers that differ only in their dispatch_uid.

Nothing imports this file; the tests import it twice, under two module
names, as two entries on sys.path can make Python do.
"""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Document

logger = logging.getLogger("pitfalls.twice")


@receiver(post_save, sender=Document)
def log_without_uid(sender, instance, **kwargs):
    logger.info("without uid: saved document %s", instance.pk)


@receiver(post_save, sender=Document, dispatch_uid="pitfalls.twice.log_with_uid")
def log_with_uid(sender, instance, **kwargs):
    logger.info("with uid: saved document %s", instance.pk)
