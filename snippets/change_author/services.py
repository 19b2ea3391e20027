from django.db import transaction
from django.utils import timezone

from .models import Note, NoteChange


# --8<-- [start:save_note]
def save_note(note, *, by):
    """Save a note on behalf of a user: option 1.

    `by` is keyword-only and has no default, so no caller can forget it. The
    post_save receiver reads it from note.changed_by.
    """
    note.changed_by = by
    note.save()
    return note


# --8<-- [end:save_note]


# --8<-- [start:publish_notes]
def publish_notes(notes, *, by):
    """Publish the drafts among `notes` and record who did it: option 2.

    No receiver is involved. This function knows the user, so it writes the
    audit rows itself, in the same transaction as the change. update() sends
    no post_save at all, so no receiver could have recorded it anyway.
    """
    with transaction.atomic():
        drafts = list(
            notes.filter(published_at__isnull=True).values_list("pk", flat=True)
        )
        Note.objects.filter(pk__in=drafts).update(
            published_at=timezone.now(), changed_by=by
        )
        NoteChange.objects.bulk_create(
            NoteChange(note_pk=pk, action=NoteChange.Action.PUBLISHED, by=by)
            for pk in drafts
        )
    return len(drafts)


# --8<-- [end:publish_notes]
