import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Avatar

logger = logging.getLogger(__name__)


@receiver(post_delete, sender=Avatar, dispatch_uid="avatars.delete_avatar_file")
def delete_avatar_file(sender, instance, using, **kwargs):
    """Remove the image file, but only once the row's deletion is committed.

    The file is deleted in on_commit, so a delete that rolls back keeps a row
    whose file still exists. save=False, because saving an instance whose row
    was just deleted inserts the row again.
    """
    if not instance.image:
        return
    transaction.on_commit(partial(_delete_file, instance.image), using=using)


def _delete_file(image):
    name = image.name
    image.delete(save=False)
    logger.info("Deleted avatar file %s", name)
