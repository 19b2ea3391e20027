from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Note
from .services import refresh_note_count


@receiver(
    [post_save, post_delete],
    sender=Note,
    dispatch_uid="signal_basics.refresh_note_count",
)
def note_changed(sender, using, **kwargs):
    """Cache the new note count once the change is committed.

    Before the commit the change may still be rolled back: a count taken now
    could cache a note that never existed.
    """
    transaction.on_commit(refresh_note_count, using=using)
