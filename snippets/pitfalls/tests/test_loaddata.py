"""loaddata saves with raw=True: a receiver that ignores it breaks the load."""

from django.core.management import call_command
from django.db.models.signals import pre_save
from django.test import TestCase

from .. import broken
from ..models import AuditEntry, Comment, Invoice, Post
from .helpers import connected


# --8<-- [start:loaddata]
class LoaddataRawTests(TestCase):
    fixture = "pitfalls_comments.json"  # lists the comment before its post

    def test_a_receiver_that_ignores_raw_breaks_loaddata(self):
        with (
            connected(pre_save, broken.copy_post_title_ignoring_raw, Comment),
            self.assertRaises(Post.DoesNotExist),
        ):
            call_command("loaddata", self.fixture, verbosity=0)

        self.assertFalse(Comment.objects.exists())  # nothing was loaded

    def test_skipping_raw_saves_lets_the_fixture_load(self):
        call_command("loaddata", self.fixture, verbosity=0)

        comment = Comment.objects.get(pk=32)
        self.assertEqual(comment.post_title, "Signals in production")

    def test_an_ordinary_save_copies_the_title(self):
        post = Post.objects.create(title="Receivers")

        comment = Comment.objects.create(post=post, body="Nice.")

        self.assertEqual(comment.post_title, "Receivers")

    def test_restored_rows_keep_what_the_fixture_says(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            call_command("loaddata", "pitfalls_restore.json", verbosity=0)

        self.assertEqual(AuditEntry.objects.filter(document_id=21).count(), 1)
        self.assertEqual(Invoice.objects.get(pk=7).number, "2019-0042")
        self.assertEqual(callbacks, [])  # no invoice email either


# --8<-- [end:loaddata]
