import importlib

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from . import signals
from .models import Profile

User = get_user_model()


class CreateProfileTests(TestCase):
    def test_a_new_user_gets_a_profile(self):
        user = User.objects.create_user("ada")

        self.assertEqual(Profile.objects.get(user=user).bio, "")

    def test_the_receiver_logs_instead_of_printing(self):
        with self.assertLogs("profiles.signals", "INFO") as logs:
            user = User.objects.create_user("ada")

        self.assertEqual(
            logs.output, [f"INFO:profiles.signals:Created a profile for user {user.pk}"]
        )

    def test_an_update_creates_no_second_profile(self):
        user = User.objects.create_user("ada")
        user.first_name = "Ada"
        user.save()

        self.assertEqual(Profile.objects.filter(user=user).count(), 1)

    def test_loaddata_keeps_the_fixture_profile(self):
        # loaddata sends post_save with raw=True; a receiver that created a
        # profile here would clash with the one the fixture restores.
        call_command("loaddata", "users.json", verbosity=0)

        profile = Profile.objects.get(user__username="grace")
        self.assertEqual((profile.pk, profile.bio), (7, "Restored from a fixture."))

    def test_importing_the_receivers_again_connects_nothing_twice(self):
        importlib.reload(signals)

        with self.assertLogs("profiles.signals", "INFO") as logs:
            User.objects.create_user("ada")

        self.assertEqual(len(logs.output), 1)

    def test_bulk_create_skips_the_receiver(self):
        # bulk_create() sends no post_save, so these users get no profile.
        User.objects.bulk_create([User(username="bulk")])

        self.assertFalse(Profile.objects.exists())
