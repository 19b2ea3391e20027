from django.core.cache import cache
from django.db import transaction

from .models import Note

NOTE_COUNT_KEY = "signal_basics:note_count"


def note_count():
    """Return how many notes exist, from the cache when it knows."""
    count = cache.get(NOTE_COUNT_KEY)
    if count is None:
        count = Note.objects.count()
        cache.set(NOTE_COUNT_KEY, count, timeout=None)
    return count


def forget_note_count():
    """Drop the cached count; the next note_count() counts again."""
    cache.delete(NOTE_COUNT_KEY)


# --8<-- [start:add_notes]
def add_notes(texts):
    """Create many notes in one query and keep the cached count right.

    bulk_create() neither calls Note.save() nor sends post_save, so this
    function does by hand what save() and the receiver would have done.
    """
    notes = Note.objects.bulk_create([Note(text=text.strip()) for text in texts])
    transaction.on_commit(forget_note_count)
    return notes
    # --8<-- [end:add_notes]
