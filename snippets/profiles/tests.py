import importlib.util
from contextlib import contextmanager
from unittest import mock, skipUnless

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate, post_save
from django.test import TestCase, TransactionTestCase

from . import signals
from .models import Profile
from .services import profile_for

User = get_user_model()

# The fixture holds a django.contrib.auth User; a custom user model has none.
needs_the_default_user_model = skipUnless(
    settings.AUTH_USER_MODEL == "auth.User", "the fixture holds an auth.User"
)


def unsaved_user(name):
    """A user not saved yet, named through USERNAME_FIELD, so these tests
    also run in a project whose custom user model has no `username`."""
    return User(**{User.USERNAME_FIELD: name})


@contextmanager
def receivers_run(signal):
    """Collect every receiver that `signal` calls inside the block."""
    ran = []
    send = signal.send

    def send_and_record(*args, **kwargs):
        responses = send(*args, **kwargs)
        ran.extend(receiver for receiver, _response in responses)
        return responses

    with mock.patch.object(signal, "send", send_and_record):
        yield ran


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

    @needs_the_default_user_model
    def test_loaddata_keeps_the_fixture_profile(self):
        # loaddata sends post_save with raw=True; a receiver that created a
        # profile here would clash with the one the fixture restores.
        call_command("loaddata", "users.json", verbosity=0)

        profile = Profile.objects.get(user__username="grace")
        self.assertEqual((profile.pk, profile.bio), (7, "Restored from a fixture."))

    def test_importing_the_receivers_again_connects_nothing_twice(self):
        user = User.objects.create_user("ada")
        # The classic double import: one file reached under two module names
        # (two sys.path entries), so Python runs it, and its @receiver, twice.
        spec = importlib.util.spec_from_file_location(
            "profiles.signals_again", signals.__file__
        )
        second_copy = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(second_copy)
        # Had the copy been connected, it must not outlive this test.
        self.addCleanup(post_save.disconnect, second_copy.create_profile, sender=User)

        # Count the receivers that run, not log lines or rows: a second copy
        # logs under its own module name, and a copy using get_or_create()
        # would leave a single profile behind. Saving an existing user runs
        # every receiver connected for User; create_profile returns at once.
        with receivers_run(post_save) as ran:
            user.save()

        self.assertEqual(
            [
                r.__module__
                for r in ran
                if getattr(r, "__name__", "") == "create_profile"
            ],
            ["profiles.signals"],
        )

    def test_bulk_create_skips_the_receiver(self):
        # bulk_create() sends no post_save, so these users get no profile.
        User.objects.bulk_create([unsaved_user("bulk")])

        self.assertFalse(Profile.objects.exists())


class ProfileForTests(TestCase):
    """profile_for() fills the gap for users that skipped the receiver."""

    def make_user_without_profile(self):
        User.objects.bulk_create([unsaved_user("bulk")])  # sends no post_save
        return User.objects.get_by_natural_key("bulk")

    def test_it_creates_a_missing_profile_and_warns(self):
        user = self.make_user_without_profile()

        with self.assertLogs("profiles.services", "WARNING") as logs:
            profile = profile_for(user)

        self.assertEqual(Profile.objects.get(user=user), profile)
        self.assertEqual(
            logs.output,
            [f"WARNING:profiles.services:Created a missing profile for user {user.pk}"],
        )

    def test_afterwards_user_profile_needs_no_query(self):
        user = self.make_user_without_profile()
        with self.assertLogs("profiles.services", "WARNING"):
            profile = profile_for(user)

        with self.assertNumQueries(0):
            self.assertEqual(user.profile, profile)

    def test_a_profile_created_meanwhile_is_reused(self):
        user = self.make_user_without_profile()
        with self.assertRaises(Profile.DoesNotExist):
            user.profile  # noqa: B018
        # Another request creates the profile; this user object still
        # remembers that it had none.
        Profile.objects.create(user=User.objects.get(pk=user.pk), bio="Mine")

        self.assertEqual(profile_for(user).bio, "Mine")
        self.assertEqual(Profile.objects.filter(user=user).count(), 1)

    def test_it_returns_an_existing_profile_untouched(self):
        user = User.objects.create_user("ada")
        Profile.objects.filter(user=user).update(bio="Mathematician")
        user.refresh_from_db()

        with self.assertNoLogs("profiles.services", "WARNING"):
            profile = profile_for(user)

        self.assertEqual(profile.bio, "Mathematician")
        self.assertEqual(Profile.objects.filter(user=user).count(), 1)


class BackfillMigrationTests(TransactionTestCase):
    """Migration 0002 gives a profile to users created before the app."""

    app = "profiles"

    def migrate(self, name):
        MigrationExecutor(connection).migrate([(self.app, name)])

    def setUp(self):
        # Go back to the state before the backfill; come back afterwards.
        executor = MigrationExecutor(connection)
        latest = executor.loader.graph.leaf_nodes(self.app)
        self.addCleanup(MigrationExecutor(connection).migrate, latest)
        self.migrate("0001_initial")

    def test_migrating_gives_every_existing_user_a_profile(self):
        User.objects.bulk_create([unsaved_user("old"), unsaved_user("older")])
        ada = User.objects.create_user("ada")  # has a profile already
        Profile.objects.filter(user=ada).update(bio="Mathematician")

        self.migrate("0002_backfill_profiles")

        self.assertFalse(User.objects.filter(profile__isnull=True).exists())
        self.assertEqual(Profile.objects.count(), 3)
        self.assertEqual(Profile.objects.get(user=ada).bio, "Mathematician")

    def test_running_it_again_creates_nothing_and_reversing_keeps_profiles(self):
        User.objects.bulk_create([unsaved_user("old")])
        self.migrate("0002_backfill_profiles")

        self.migrate("0001_initial")  # reverse: a no-op
        self.assertEqual(Profile.objects.count(), 1)

        self.migrate("0002_backfill_profiles")  # again: nothing left to do
        self.assertEqual(Profile.objects.count(), 1)

    def test_a_post_migrate_receiver_would_run_on_every_migrate(self):
        # The alternative to a data migration: it repeats on each deploy.
        runs = []

        def count_run(sender, **kwargs):
            runs.append(sender.label)

        config = django_apps.get_app_config(self.app)
        post_migrate.connect(count_run, sender=config)
        try:
            call_command("migrate", verbosity=0)  # applies the backfill
            call_command("migrate", verbosity=0)  # has nothing left to apply
        finally:
            post_migrate.disconnect(count_run, sender=config)

        self.assertEqual(runs, [self.app, self.app])
