import tempfile
from contextlib import contextmanager
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models, transaction
from django.db.models.signals import post_delete, pre_delete, pre_save
from django.test import TestCase, TransactionTestCase, override_settings

from . import signals
from .models import Album, Photo


class PhotoFileTests(TestCase):
    def setUp(self):
        # Every test writes to its own temporary MEDIA_ROOT, removed after.
        media_root = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(MEDIA_ROOT=media_root))
        self.album = Album.objects.create(title="Holidays")

    def add_photo(self, name="beach.txt"):
        photo = Photo(album=self.album)
        photo.image.save(name, ContentFile(b"pixels"))  # saves the row too
        return photo

    def test_deleting_a_photo_deletes_its_file_after_commit(self):
        photo = self.add_photo()
        name, pk = photo.image.name, photo.pk

        with self.captureOnCommitCallbacks() as callbacks:
            photo.delete()
        self.assertTrue(default_storage.exists(name))  # not committed yet

        with self.assertLogs("uploaded_images.signals", "INFO") as logs:
            for callback in callbacks:
                callback()
        self.assertFalse(default_storage.exists(name))
        self.assertFalse(Photo.objects.filter(pk=pk).exists())  # stays deleted
        self.assertEqual(logs.records[0].getMessage(), f"Deleted file {name}")

    def test_a_queryset_delete_deletes_every_file(self):
        names = [self.add_photo(n).image.name for n in ("a.txt", "b.txt")]

        with self.captureOnCommitCallbacks(execute=True):
            Photo.objects.filter(album=self.album).delete()

        self.assertFalse(any(default_storage.exists(n) for n in names))
        self.assertFalse(Photo.objects.exists())

    def test_a_cascade_from_the_album_deletes_the_files(self):
        names = [self.add_photo(n).image.name for n in ("a.txt", "b.txt")]

        with self.captureOnCommitCallbacks(execute=True):
            self.album.delete()

        self.assertFalse(any(default_storage.exists(n) for n in names))
        self.assertFalse(Photo.objects.exists())

    def test_a_queryset_that_leaves_the_image_out_still_deletes_the_files(self):
        querysets = Photo.objects.defer("image"), Photo.objects.only("pk")
        for photos in querysets:
            with self.subTest(deferred=photos.query.deferred_loading):
                names = [self.add_photo(n).image.name for n in ("a.txt", "b.txt")]

                with self.captureOnCommitCallbacks(execute=True):
                    photos.filter(album=self.album).delete()

                self.assertFalse(any(default_storage.exists(n) for n in names))
                self.assertFalse(Photo.objects.exists())

    def test_a_rolled_back_delete_keeps_the_file(self):
        photo = self.add_photo()

        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            photo.delete()
            raise RuntimeError("something later failed")

        self.assertTrue(default_storage.exists(photo.image.name))
        self.assertTrue(Photo.objects.filter(image=photo.image.name).exists())

    def test_replacing_the_image_deletes_the_old_file_after_commit(self):
        photo = self.add_photo("old.txt")
        old_name = photo.image.name

        with self.captureOnCommitCallbacks() as callbacks:
            photo.image = ContentFile(b"new pixels", name="new.txt")
            photo.save()
        self.assertTrue(default_storage.exists(old_name))  # not committed yet

        for callback in callbacks:
            callback()
        self.assertFalse(default_storage.exists(old_name))
        self.assertTrue(default_storage.exists(photo.image.name))

    def test_replacing_deletes_the_old_file_whatever_the_new_name(self):
        # In pre_save the new file is not stored yet: its name is the bare
        # "a.txt" or "z.txt", which sort either side of "photos/old.txt".
        for new_name in ("a.txt", "z.txt"):
            with self.subTest(new_name=new_name):
                photo = self.add_photo("old.txt")
                old_name = photo.image.name

                with self.captureOnCommitCallbacks(execute=True):
                    photo.image = ContentFile(b"new pixels", name=new_name)
                    photo.save()

                self.assertFalse(default_storage.exists(old_name))
                self.assertTrue(default_storage.exists(photo.image.name))

    def test_a_new_file_with_the_same_name_is_kept(self):
        photo = self.add_photo("beach.txt")
        old_name = photo.image.name

        with self.captureOnCommitCallbacks(execute=True):
            photo.image = ContentFile(b"new pixels", name="beach.txt")
            photo.save()

        # The storage gave the new file another name, so only the old one goes.
        self.assertNotEqual(photo.image.name, old_name)
        self.assertFalse(default_storage.exists(old_name))
        self.assertTrue(default_storage.exists(photo.image.name))

    def test_saving_without_a_new_image_keeps_the_file(self):
        photo = self.add_photo()

        with self.captureOnCommitCallbacks(execute=True):
            photo.save()

        self.assertTrue(default_storage.exists(photo.image.name))

    def test_a_rolled_back_replacement_keeps_the_old_file(self):
        photo = self.add_photo("old.txt")
        old_name = photo.image.name

        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            photo.image = ContentFile(b"new pixels", name="new.txt")
            photo.save()
            raise RuntimeError("something later failed")

        self.assertTrue(default_storage.exists(old_name))
        # The new file was written during save(); nothing removes it.
        self.assertTrue(default_storage.exists(photo.image.name))

    def test_queryset_update_sends_no_signal_and_orphans_the_file(self):
        photo = self.add_photo()

        with self.captureOnCommitCallbacks(execute=True):
            Photo.objects.filter(pk=photo.pk).update(image="photos/other.txt")

        self.assertTrue(default_storage.exists(photo.image.name))

    def test_an_image_field_is_a_file_field(self):
        # What the receivers use (name, delete()) ImageField inherits.
        self.assertTrue(issubclass(models.ImageField, models.FileField))

    def test_loaddata_over_an_existing_photo_keeps_its_file(self):
        album = Album.objects.create(pk=9001, title="Current")
        photo = Photo(pk=9001, album=album)
        photo.image.save("current.txt", ContentFile(b"pixels"))

        with self.captureOnCommitCallbacks(execute=True):
            call_command("loaddata", "uploaded_images_photos.json", verbosity=0)

        self.assertEqual(Photo.objects.get(pk=9001).image.name, "photos/restored.txt")
        self.assertTrue(default_storage.exists(photo.image.name))


class WithoutTheseReceiversTests(TestCase):
    """What happens with no receivers, or with naive ones."""

    def setUp(self):
        media_root = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(MEDIA_ROOT=media_root))
        self.photo = Photo(album=Album.objects.create(title="Holidays"))
        self.photo.image.save("beach.txt", ContentFile(b"pixels"))

    @contextmanager
    def receivers_replaced_by(self, cleanup=None):
        """Disconnect this app's receivers; connect `cleanup` to post_delete."""
        ours = [
            (pre_delete, signals.delete_file_of_deleted_photo, "delete_file"),
            (pre_save, signals.delete_replaced_file, "replace_file"),
        ]
        for signal, _, uid in ours:
            signal.disconnect(sender=Photo, dispatch_uid=f"uploaded_images.{uid}")
        if cleanup:
            post_delete.connect(cleanup, sender=Photo)
        try:
            yield
        finally:
            if cleanup:
                post_delete.disconnect(cleanup, sender=Photo)
            for signal, receiver, uid in ours:
                signal.connect(
                    receiver, sender=Photo, dispatch_uid=f"uploaded_images.{uid}"
                )

    def test_django_alone_keeps_the_file_of_a_deleted_row(self):
        name = self.photo.image.name

        with self.receivers_replaced_by(), self.captureOnCommitCallbacks(execute=True):
            self.photo.delete()

        self.assertTrue(default_storage.exists(name))

    def test_django_alone_keeps_the_file_of_a_replaced_image(self):
        name = self.photo.image.name

        with self.receivers_replaced_by(), self.captureOnCommitCallbacks(execute=True):
            self.photo.image = ContentFile(b"new pixels", name="new.txt")
            self.photo.save()

        self.assertTrue(default_storage.exists(name))

    def test_fieldfile_delete_with_its_default_save_resurrects_the_row(self):
        def naive_cleanup(sender, instance, **kwargs):
            instance.image.delete()  # save=True by default

        pk = self.photo.pk
        with self.receivers_replaced_by(naive_cleanup):
            self.photo.delete()

        # The save() after the DELETE found no row to update, so it inserted
        # one: the photo is back, now with no file.
        self.assertEqual(Photo.objects.get(pk=pk).image.name, "")

    def test_post_delete_cannot_load_a_deferred_image(self):
        def late_cleanup(sender, instance, using, **kwargs):
            # image was deferred: reading it queries a row already deleted.
            if instance.image:
                signals.delete_file_after_commit(instance.image, using)

        with (
            self.receivers_replaced_by(late_cleanup),
            self.assertRaises(Photo.DoesNotExist),
            transaction.atomic(),
        ):
            Photo.objects.defer("image").delete()

        # The error rolled the whole delete back.
        self.assertTrue(Photo.objects.filter(pk=self.photo.pk).exists())

    def test_deleting_before_the_commit_loses_the_file_on_rollback(self):
        def hasty_cleanup(sender, instance, **kwargs):
            instance.image.delete(save=False)  # right now, not on commit

        name = self.photo.image.name
        with (
            self.receivers_replaced_by(hasty_cleanup),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            self.photo.delete()
            raise RuntimeError("something later failed")

        self.assertTrue(Photo.objects.filter(image=name).exists())  # row is back
        self.assertFalse(default_storage.exists(name))  # file is not


class StorageFailureTests(TransactionTestCase):
    """A real commit, then a storage that refuses to delete."""

    def setUp(self):
        media_root = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(MEDIA_ROOT=media_root))

    def test_the_delete_stands_and_the_error_is_logged(self):
        photo = Photo(album=Album.objects.create(title="Holidays"))
        photo.image.save("beach.txt", ContentFile(b"pixels"))
        pk = photo.pk

        with (
            mock.patch(
                "django.core.files.storage.FileSystemStorage.delete",
                side_effect=PermissionError("storage says no"),
            ),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
        ):
            photo.delete()  # autocommit: its own transaction, committed

        self.assertFalse(Photo.objects.filter(pk=pk).exists())
        self.assertIn("storage says no", logs.output[0])
