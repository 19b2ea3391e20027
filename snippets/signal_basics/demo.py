from signal_basics.models import Note
from signal_basics.services import add_notes, note_count

print(note_count())
#> 0

Note.objects.create(text="Buy milk")
print(note_count())  # after the commit, the receiver cached the new count
#> 1

Note.objects.bulk_create([Note(text="Call Ada")])
print(note_count())  # no post_save was sent: the cache still says 1
#> 1

add_notes(["Water plants", "Book train"])
print(note_count())  # the service refreshed the count itself
#> 4
