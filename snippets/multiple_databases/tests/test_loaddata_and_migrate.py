"""loaddata and migrate with --database: raw saves, and tags in the right database."""

from io import StringIO

from django.apps import apps
from django.apps.registry import Apps
from django.core.management import call_command
from django.db.models.signals import post_migrate, post_save, pre_migrate, pre_save
from django.test import TestCase, TransactionTestCase, override_settings

from .. import broken, signals
from ..models import Article, AuditEntry, Tag
from ..signals import DEFAULT_TAGS
from .helpers import (
    DATABASES,
    LOGGER,
    OTHER_ROUTER,
    default_tags,
    history,
    messages,
    recorded,
    swapped,
)


class LoaddataTests(TestCase):
    databases = DATABASES

    def test_loaddata_sends_raw_saves_with_the_database_it_loads_into(self):
        with (
            recorded(pre_save) as before,
            recorded(post_save) as after,
            self.captureOnCommitCallbacks(using="other") as callbacks,
        ):
            call_command(
                "loaddata", "multiple_databases_articles", database="other", verbosity=0
            )

        self.assertEqual(
            {(c["sender"], c["raw"], c["using"]) for c in before + after},
            {(Article, True, "other"), (AuditEntry, True, "other")},
        )
        self.assertEqual(
            Article.objects.using("other").get(pk=40).title, "Restored from a backup"
        )
        self.assertFalse(Article.objects.using("default").exists())
        # The receivers skipped the raw saves: only the fixture's own entry.
        self.assertEqual(history("other"), [("created", "Restored from a backup")])
        self.assertEqual(callbacks, [])


class RouterMigrationTests(TransactionTestCase):
    """sqlmigrate needs a connection outside any transaction on SQLite."""

    databases = DATABASES

    @override_settings(DATABASE_ROUTERS=[OTHER_ROUTER])
    def test_allow_migrate_keeps_the_app_s_tables_out_of_default(self):
        def sql(database):
            return call_command(
                "sqlmigrate",
                "multiple_databases",
                "0001",
                database=database,
                stdout=StringIO(),
            )

        on_default = sql("default")
        self.assertIn("(no-op)", on_default)
        self.assertNotIn("CREATE TABLE", on_default)
        self.assertIn('CREATE TABLE "multiple_databases_tag"', sql("other"))


def migrate(database):
    """Run `manage.py migrate --database=...`: nothing to apply, both signals sent."""
    call_command(
        "migrate", database=database, verbosity=0, skip_checks=True, stdout=StringIO()
    )


class MigrateTests(TestCase):
    databases = DATABASES

    def setUp(self):
        for using in ("default", "other"):
            Tag.objects.using(using).filter(name__in=DEFAULT_TAGS).delete()
        self.ours = apps.get_app_config("multiple_databases")

    def test_migrate_database_other_sends_both_signals_with_using_other(self):
        with recorded(pre_migrate) as before, recorded(post_migrate) as after:
            migrate("other")

        for calls in (before, after):
            senders = [c["sender"] for c in calls]
            self.assertIn(self.ours, senders)
            self.assertGreater(len(senders), 1)  # one send per app
            self.assertEqual({c["using"] for c in calls}, {"other"})

    def test_the_tags_are_created_in_the_database_being_migrated(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            migrate("other")
            migrate("other")

        self.assertEqual(default_tags("other"), sorted(DEFAULT_TAGS))
        self.assertEqual(default_tags("default"), [])
        self.assertEqual(
            messages(logs),
            [
                "Default tags on 'other': 2 created",
                "Default tags on 'other': 0 created",
            ],
        )

    @override_settings(DATABASE_ROUTERS=[OTHER_ROUTER])
    def test_a_database_the_router_keeps_the_app_out_of_gets_no_tags(self):
        with self.assertNoLogs(LOGGER, "INFO"):
            migrate("default")
        migrate("other")

        self.assertEqual(default_tags("default"), [])
        self.assertEqual(default_tags("other"), sorted(DEFAULT_TAGS))

    def test_a_receiver_without_using_creates_the_tags_in_default(self):
        wrong = broken.create_default_tags_on_default
        with swapped(post_migrate, signals.create_default_tags, wrong, self.ours):
            migrate("other")

        self.assertEqual(default_tags("default"), sorted(DEFAULT_TAGS))
        self.assertEqual(default_tags("other"), [])

    def test_an_app_migrated_to_zero_is_left_alone(self):
        with self.assertNoLogs(LOGGER, "INFO"):
            signals.create_default_tags(self.ours, using="other", apps=Apps(()))

        self.assertEqual(default_tags("other"), [])
