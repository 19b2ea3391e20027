from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Note
from .services import forget_note_count


@receiver(
    [post_save, post_delete],
    sender=Note,
    dispatch_uid="signal_basics.forget_note_count",
)
def note_changed(sender, using, **kwargs):
    """Drop the cached note count once the change is committed.

    Dropping it before the commit would let another request count the old
    rows and cache that number again in between.
    """
    transaction.on_commit(forget_note_count, using=using)
