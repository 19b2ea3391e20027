from collections import Counter
from contextlib import contextmanager
from io import StringIO
from unittest import mock

from django.apps import AppConfig, apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.migrations.state import ProjectState
from django.db.models.signals import post_migrate, pre_migrate
from django.test import TestCase, override_settings

from . import signals
from .signals import DEFAULT_GROUPS


def migrate():
    """Run `manage.py migrate`: with nothing to apply it still sends both signals."""
    call_command("migrate", verbosity=0, skip_checks=True, stdout=StringIO())


@contextmanager
def recorded(signal, sender=None):
    """Collect the keyword arguments of every send of `signal` in the block.

    Each item is a dict of everything the receivers got, `signal` and
    `sender` included, so a test can compare it whole.
    """
    sent = []

    def record(**kwargs):
        sent.append(kwargs)

    # weak=False: nothing else holds this local function.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield sent
    finally:
        signal.disconnect(record, sender=sender)


class DefaultGroupTests(TestCase):
    def default_groups(self):
        return Group.objects.filter(name__in=DEFAULT_GROUPS)

    def test_the_groups_exist_once_the_database_is_migrated(self):
        # The test database was built by migrate, which sent post_migrate.
        self.assertEqual(self.default_groups().count(), len(DEFAULT_GROUPS))

    def test_migrate_creates_missing_groups(self):
        self.default_groups().delete()

        migrate()

        self.assertEqual(
            sorted(self.default_groups().values_list("name", flat=True)),
            sorted(DEFAULT_GROUPS),
        )

    def test_running_migrate_twice_creates_nothing_twice(self):
        self.default_groups().delete()

        with self.assertLogs("default_groups.signals", "INFO") as logs:
            migrate()
            migrate()

        names = Counter(self.default_groups().values_list("name", flat=True))
        self.assertEqual(names, dict.fromkeys(DEFAULT_GROUPS, 1))
        # One line per migrate: sender=self keeps the other apps' sends out.
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            [
                "Default groups: 2 created, 0 already there",
                "Default groups: 0 created, 2 already there",
            ],
        )

    def test_a_project_listing_more_groups_gets_them_on_the_next_migrate(self):
        groups = (*DEFAULT_GROUPS, "Accountants", "Auditors")

        with (
            mock.patch.object(signals, "DEFAULT_GROUPS", groups),
            self.assertLogs("default_groups.signals", "INFO") as logs,
        ):
            migrate()

        self.assertEqual(Group.objects.filter(name__in=groups).count(), 4)
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            ["Default groups: 2 created, 2 already there"],
        )

    def test_a_project_state_without_auth_gets_no_groups(self):
        # After `migrate auth zero`, the state post_migrate passes as `apps`
        # has no auth models: the receiver returns instead of failing.
        self.default_groups().delete()
        ours = apps.get_app_config("default_groups")

        with self.assertNoLogs("default_groups.signals", "INFO"):
            post_migrate.send(
                sender=ours,
                app_config=ours,
                verbosity=0,
                interactive=False,
                using="default",
                apps=ProjectState().apps,
                plan=[],
            )

        self.assertFalse(self.default_groups().exists())

    def test_flush_sends_post_migrate_without_apps_and_the_receiver_copes(self):
        # flush recreates content types inside this test's transaction, which
        # is rolled back: forget the cached ones before that happens.
        self.addCleanup(ContentType.objects.clear_cache)
        ours = apps.get_app_config("default_groups")
        with recorded(post_migrate, sender=ours) as calls:
            call_command("flush", interactive=False, verbosity=0)

        self.assertNotIn("apps", calls[0])
        self.assertEqual(self.default_groups().count(), len(DEFAULT_GROUPS))


class AuthElsewhereRouter:
    """A project whose auth tables live in another database than this one."""

    def allow_migrate(self, db, app_label, **hints):
        return False if app_label == "auth" else None


class RouterTests(TestCase):
    @override_settings(DATABASE_ROUTERS=[f"{__name__}.AuthElsewhereRouter"])
    def test_a_database_the_router_keeps_auth_out_of_gets_no_groups(self):
        Group.objects.filter(name__in=DEFAULT_GROUPS).delete()

        with self.assertNoLogs("default_groups.signals", "INFO"):
            migrate()

        self.assertFalse(Group.objects.filter(name__in=DEFAULT_GROUPS).exists())


class MigrateSignalArgumentTests(TestCase):
    def test_the_sender_is_each_app_s_config(self):
        with recorded(pre_migrate) as before, recorded(post_migrate) as after:
            migrate()

        ours = apps.get_app_config("default_groups")
        self.assertGreater(len({c["sender"] for c in after}), 1)  # one per app
        for calls in (before, after):
            self.assertTrue(all(isinstance(c["sender"], AppConfig) for c in calls))
            self.assertTrue(all(c["app_config"] is c["sender"] for c in calls))
            self.assertIn(ours, [c["sender"] for c in calls])

    def test_apps_without_a_models_module_get_no_signal(self):
        with recorded(post_migrate) as calls:
            migrate()

        labels = {c["sender"].label for c in calls}
        self.assertIsNone(apps.get_app_config("staticfiles").models_module)
        self.assertNotIn("staticfiles", labels)
        self.assertIn("auth", labels)

    def test_migrate_passes_the_migrated_project_state_as_apps(self):
        ours = apps.get_app_config("default_groups")
        with recorded(post_migrate, sender=ours) as calls:
            migrate()

        historical_group = calls[0]["apps"].get_model("auth", "Group")
        self.assertIsNot(historical_group, Group)
        self.assertEqual(calls[0]["using"], "default")
        self.assertEqual(calls[0]["plan"], [])  # nothing to apply, sent anyway
