"""Option 2: a service writes the audit rows itself, for work with no post_save."""

from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from ..models import Note, NoteChange
from ..services import publish_notes, save_note
from .helpers import LOGGER, AuditTestCase


class ServiceTests(AuditTestCase):
    """Option 2: the service writes the audit rows itself."""

    def test_one_published_row_per_draft_and_no_post_save(self):
        drafts = [save_note(Note(title=t), by=self.bob) for t in ("One", "Two")]
        # Published without the service: update() sends no post_save, so
        # nothing records it. publish_notes() then leaves it alone.
        published = save_note(Note(title="Old"), by=self.bob)
        Note.objects.filter(pk=published.pk).update(published_at=timezone.now())

        count = publish_notes(Note.objects.all(), by=self.ada)

        self.assertEqual(count, 2)
        for note in drafts:
            self.assertEqual(
                self.history(note.pk), [("created", "bob"), ("published", "ada")]
            )
        self.assertEqual(self.history(published.pk), [("created", "bob")])

    def test_bulk_writes_send_no_signals_so_no_receiver_records_them(self):
        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            notes = Note.objects.bulk_create([Note(title="One", changed_by=self.ada)])
            notes[0].title = "Renamed"
            Note.objects.bulk_update(notes, ["title"])
            Note.objects.update(title="Renamed again")

        self.assertFalse(NoteChange.objects.exists())  # options 1 and 4: nothing

    def test_the_rows_and_the_change_commit_together(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        failing = mock.patch.object(
            NoteChange.objects, "bulk_create", side_effect=DatabaseError("disk full")
        )

        with failing, self.assertRaises(DatabaseError):
            publish_notes(Note.objects.all(), by=self.ada)

        note.refresh_from_db()
        self.assertIsNone(note.published_at)  # rolled back with the rows

    def test_the_command_records_the_user_given_with_by(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        out = StringIO()

        call_command("publish_notes", note.pk, "--by", "ada", stdout=out)

        self.assertEqual(out.getvalue(), "Published 1 of 1 notes.\n")
        self.assertEqual(
            self.history(note.pk), [("created", "bob"), ("published", "ada")]
        )

    def test_the_user_must_be_named_with_by(self):
        note = Note(title="Draft")

        with self.assertRaises(TypeError):
            save_note(note, self.ada)  # a positional user is refused
        with self.assertRaises(TypeError):
            publish_notes(Note.objects.all(), self.ada)

        self.assertFalse(Note.objects.exists())

    def test_the_command_requires_by(self):
        note = save_note(Note(title="Draft"), by=self.bob)

        with self.assertRaisesMessage(CommandError, "arguments are required: --by"):
            call_command("publish_notes", note.pk)

        note.refresh_from_db()
        self.assertIsNone(note.published_at)

    def test_the_command_refuses_an_unknown_user(self):
        note = save_note(Note(title="Draft"), by=self.bob)

        with self.assertRaisesMessage(CommandError, "There is no user 'eve'."):
            call_command("publish_notes", note.pk, "--by", "eve")

        note.refresh_from_db()
        self.assertIsNone(note.published_at)
        self.assertEqual(self.history(note.pk), [("created", "bob")])
