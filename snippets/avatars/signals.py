import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import Avatar

logger = logging.getLogger(__name__)


@receiver(pre_delete, sender=Avatar, dispatch_uid="avatars.delete_avatar_file")
def delete_avatar_file(sender, instance, using, **kwargs):
    """Remove the image file, but only once the row's deletion is committed.

    pre_delete, while the row still exists: a queryset loaded with only() or
    defer() can still read the image it left out. The file is deleted in
    on_commit, so a delete that rolls back keeps a row whose file still
    exists. save=False, because by then the row is gone, and saving the
    instance would insert it again.
    """
    if not instance.image:
        return
    transaction.on_commit(partial(_delete_file, instance.image), using=using)


def _delete_file(image):
    name = image.name
    image.delete(save=False)
    logger.info("Deleted avatar file %s", name)
