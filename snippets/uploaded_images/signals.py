import logging

from django.db import transaction
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from .models import Photo

logger = logging.getLogger(__name__)


def delete_file_after_commit(fieldfile, using):
    """Remove a stored file once the transaction that dropped it commits.

    Before the commit the row may still come back (a rollback), and a file
    deleted too early cannot. save=False because the default, save=True,
    saves the model again: after a delete, that re-inserts the row.
    """
    name = fieldfile.name

    def delete_file():
        fieldfile.delete(save=False)
        logger.info("Deleted file %s", name)

    # robust=True: if the storage fails, log it; the database is already
    # committed and the request should not fail for an orphaned file.
    transaction.on_commit(delete_file, using=using, robust=True)


@receiver(pre_delete, sender=Photo, dispatch_uid="uploaded_images.delete_file")
def delete_file_of_deleted_photo(sender, instance, using, **kwargs):
    """Delete the file of a deleted photo, whether deleted alone or by cascade.

    pre_delete, while the row still exists: after defer("image") or
    only("pk"), reading instance.image loads it with a query, and in
    post_delete that query would find no row and roll the delete back.
    """
    if instance.image:
        delete_file_after_commit(instance.image, using)


@receiver(pre_save, sender=Photo, dispatch_uid="uploaded_images.replace_file")
def delete_replaced_file(sender, instance, using, **kwargs):
    """Delete the old file when a saved photo gets a new one."""
    if instance._state.adding:
        # A new row has no old file. loaddata's rows count as new too: it
        # builds fresh instances, so restoring a fixture deletes nothing.
        return
    saved = sender._default_manager.using(using).only("image")
    old = saved.filter(pk=instance.pk).first()
    if old and old.image and old.image.name != instance.image.name:
        delete_file_after_commit(old.image, using)
