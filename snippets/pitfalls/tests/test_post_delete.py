"""Saving in post_delete brings the row back; deleting the file on commit does not."""

import shutil
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.test import TestCase, override_settings

from .. import broken
from ..models import Attachment
from ..signals import delete_attachment_file
from .helpers import Rollback, connected


# --8<-- [start:post_delete]
class SaveInPostDeleteTests(TestCase):
    def setUp(self):
        media_root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media_root)
        settings_override = override_settings(MEDIA_ROOT=media_root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

        self.attachment = Attachment.objects.create(
            file=ContentFile(b"minutes", name="minutes.txt")
        )
        self.pk = self.attachment.pk
        self.path = Path(self.attachment.file.path)

    def test_file_delete_with_its_default_save_brings_the_row_back(self):
        with connected(post_delete, broken.delete_attachment_file_and_save, Attachment):
            self.attachment.delete()

        resurrected = Attachment.objects.get(pk=self.pk)  # the row is back
        self.assertEqual(resurrected.file.name, "")  # pointing at no file
        self.assertFalse(self.path.exists())

    def test_save_true_after_the_commit_inserts_a_new_row(self):
        uid = "pitfalls.delete_attachment"
        self.assertTrue(post_delete.disconnect(sender=Attachment, dispatch_uid=uid))
        self.addCleanup(
            post_delete.connect,
            delete_attachment_file,
            sender=Attachment,
            dispatch_uid=uid,
        )
        late = broken.delete_attachment_file_later_and_save

        with (
            connected(post_delete, late, Attachment),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.attachment.delete()

        [row] = Attachment.objects.all()  # a new row, under a new pk
        self.assertNotEqual(row.pk, self.pk)
        self.assertEqual(row.file.name, "")

    def test_the_fix_deletes_the_file_after_commit_and_the_row_stays_gone(self):
        with (
            self.assertLogs("pitfalls.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.attachment.delete()
            self.assertTrue(self.path.exists())  # not committed yet

        self.assertFalse(self.path.exists())
        self.assertFalse(Attachment.objects.exists())  # under no pk at all
        self.assertEqual(
            logs.output,
            ["INFO:pitfalls.signals:Deleted attachment file pitfalls/minutes.txt"],
        )

    def test_a_delete_that_rolls_back_keeps_the_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    self.attachment.delete()
                    raise Rollback
            except Rollback:
                pass

        self.assertTrue(Attachment.objects.filter(pk=self.pk).exists())
        self.assertTrue(self.path.exists())


# --8<-- [end:post_delete]
