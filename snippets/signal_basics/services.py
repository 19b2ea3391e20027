from django.core.cache import cache
from django.db import transaction

from .models import Note

NOTE_COUNT_KEY = "signal_basics:note_count"
# A backstop: whatever goes wrong, no cached count is older than this.
NOTE_COUNT_TIMEOUT = 5 * 60  # seconds


def note_count():
    """Return how many notes exist, from the cache when it knows."""
    count = cache.get(NOTE_COUNT_KEY)
    if count is None:
        count = Note.objects.count()
        # add(), not set(): if a change was committed while this counted, its
        # fresh count is in the cache by now, and add() leaves it there.
        cache.add(NOTE_COUNT_KEY, count, timeout=NOTE_COUNT_TIMEOUT)
    return count


def refresh_note_count():
    """Count the notes again and cache the result; call it after a commit."""
    cache.set(NOTE_COUNT_KEY, Note.objects.count(), timeout=NOTE_COUNT_TIMEOUT)


# --8<-- [start:add_notes]
def add_notes(texts):
    """Create many notes in one query and keep the cached count right.

    bulk_create() neither calls Note.save() nor sends post_save, so this
    function does by hand what save() and the receiver would have done.
    """
    notes = Note.objects.bulk_create([Note(text=text.strip()) for text in texts])
    transaction.on_commit(refresh_note_count)
    return notes
    # --8<-- [end:add_notes]
