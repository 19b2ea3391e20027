import shutil
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models.signals import post_delete, pre_delete
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from .models import Avatar
from .signals import delete_avatar_file

User = get_user_model()


# --8<-- [start:outline_receiver]
def delete_picture_and_save(sender, instance, **kwargs):
    """The outline's receiver: FieldFile.delete() defaults to save=True."""
    if instance.image:
        instance.image.delete()  # saves the instance: INSERTs the row again


# --8<-- [end:outline_receiver]


class AvatarFileTests(TestCase):
    def setUp(self):
        media_root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media_root)
        settings_override = override_settings(MEDIA_ROOT=media_root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

        self.user = User.objects.create_user("ada")
        self.avatar = Avatar.objects.create(
            user=self.user, image=ContentFile(b"fake png", name="ada.png")
        )
        self.path = Path(self.avatar.image.path)

    def test_the_file_is_deleted_only_after_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.avatar.delete()
            self.assertTrue(self.path.exists())  # the transaction is still open

        self.assertFalse(self.path.exists())
        self.assertFalse(Avatar.objects.exists())

    def test_the_receiver_logs_the_file_it_deleted(self):
        name = self.avatar.image.name
        with (
            self.assertLogs("avatars.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.avatar.delete()

        self.assertEqual(
            logs.output, [f"INFO:avatars.signals:Deleted avatar file {name}"]
        )

    def test_deleting_the_user_cascades_to_the_avatar_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.user.delete()

        self.assertFalse(self.path.exists())
        self.assertFalse(Avatar.objects.exists())

    def test_queryset_delete_removes_the_file_too(self):
        with self.captureOnCommitCallbacks(execute=True):
            Avatar.objects.filter(user=self.user).delete()

        self.assertFalse(self.path.exists())

    def test_a_queryset_that_leaves_the_image_out_still_deletes_the_file(self):
        querysets = Avatar.objects.defer("image"), Avatar.objects.only("pk")
        for n, avatars in enumerate(querysets):
            with self.subTest(deferred=avatars.query.deferred_loading):
                avatar = Avatar.objects.create(
                    user=User.objects.create_user(f"user{n}"),
                    image=ContentFile(b"fake png", name=f"user{n}.png"),
                )
                path = Path(avatar.image.path)

                with self.captureOnCommitCallbacks(execute=True):
                    avatars.filter(pk=avatar.pk).delete()

                self.assertFalse(path.exists())
                self.assertFalse(Avatar.objects.filter(pk=avatar.pk).exists())

    def test_a_rolled_back_delete_keeps_the_row_and_its_file(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    self.avatar.delete()
                    raise RuntimeError("something later in the request failed")
            except RuntimeError:
                pass

        self.assertEqual(callbacks, [])
        self.assertTrue(self.path.exists())
        self.assertTrue(Avatar.objects.filter(user=self.user).exists())

    def test_an_avatar_without_a_file_is_deleted_quietly(self):
        Avatar.objects.filter(pk=self.avatar.pk).update(image="")
        avatar = Avatar.objects.get(pk=self.avatar.pk)

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            avatar.delete()

        self.assertEqual(callbacks, [])
        self.assertTrue(self.path.exists())  # no row pointed at it any more

    def test_without_the_receiver_the_file_outlives_its_row(self):
        uid = "avatars.delete_avatar_file"
        pre_delete.disconnect(sender=Avatar, dispatch_uid=uid)
        try:
            with self.captureOnCommitCallbacks(execute=True):
                self.avatar.delete()
        finally:
            pre_delete.connect(delete_avatar_file, sender=Avatar, dispatch_uid=uid)

        self.assertFalse(Avatar.objects.exists())
        self.assertTrue(self.path.exists())

    def test_save_true_in_post_delete_resurrects_the_deleted_row(self):
        pk = self.avatar.pk
        post_delete.connect(delete_picture_and_save, sender=Avatar)
        try:
            with CaptureQueriesContext(connection) as queries:
                self.avatar.delete()
        finally:
            post_delete.disconnect(delete_picture_and_save, sender=Avatar)

        table = Avatar._meta.db_table
        statements = [
            q["sql"].split()[0] for q in queries.captured_queries if table in q["sql"]
        ]
        self.assertEqual(statements[-3:], ["DELETE", "UPDATE", "INSERT"])

        resurrected = Avatar.objects.get(pk=pk)  # the row is back
        self.assertEqual(resurrected.image.name, "")  # pointing at no file
        self.assertFalse(self.path.exists())  # deleted before any commit
