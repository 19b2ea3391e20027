import unittest
from contextlib import contextmanager, suppress
from io import StringIO
from types import SimpleNamespace

from django.apps import apps
from django.apps.registry import Apps
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_delete,
    pre_init,
    pre_migrate,
    pre_save,
)
from django.test import (
    SimpleTestCase,
    TestCase,
    TransactionTestCase,
    override_settings,
)
from django.test.utils import CaptureQueriesContext

from . import broken, routers, signals
from .models import Article, AuditEntry, Tag
from .signals import DEFAULT_TAGS

# A TestCase may use only "default" unless it names the other databases.
DATABASES = {"default", "other"}
LOGGER = "multiple_databases.signals"
OTHER_ROUTER = "multiple_databases.routers.OtherDatabaseRouter"
REPLICA_ROUTER = "multiple_databases.routers.ReplicaRouter"


class Rollback(Exception):
    """Raised to leave an atomic() block with a rollback."""


@contextmanager
def captured(signal, sender=None):
    """Collect the keyword arguments of every send while the block runs."""
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=sender)


# --8<-- [start:swapped]
@contextmanager
def swapped(signal, fixed, wrong, sender):
    """Connect a receiver from broken.py in place of its fixed version."""
    uid = f"multiple_databases.{fixed.__name__}"
    if not signal.disconnect(sender=sender, dispatch_uid=uid):
        # Else the finally clause would connect it, and hide that it was not.
        raise LookupError(f"{uid} is not connected: nothing to swap")
    signal.connect(wrong, sender=sender, weak=False)
    try:
        yield
    finally:
        signal.disconnect(wrong, sender=sender)
        signal.connect(fixed, sender=sender, dispatch_uid=uid)


# --8<-- [end:swapped]


def history(using):
    return list(AuditEntry.objects.using(using).values_list("action", "detail"))


def messages(logs):
    return [record.getMessage() for record in logs.records]


class UsingTests(TestCase):
    databases = DATABASES

    def test_save_signals_carry_the_database_the_row_went_to(self):
        with (
            captured(pre_save, Article) as before,
            captured(post_save, Article) as after,
        ):
            article = Article.objects.using("other").create(title="Sharding")
            article.title = "Sharding, revised"
            article.save()  # no using: it goes back where the instance came from

        self.assertEqual([c["using"] for c in before + after], ["other"] * 4)
        self.assertEqual(article._state.db, "other")

    def test_the_history_is_written_and_read_in_the_article_s_database(self):
        article = Article.objects.using("other").create(title="Draft")
        article.title = "Final"
        article.save()

        self.assertEqual(
            history("other"), [("created", "Draft"), ("renamed", "Draft -> Final")]
        )
        self.assertEqual(history("default"), [])

    def test_renaming_back_is_a_rename_too(self):
        article = Article.objects.using("other").create(title="Final")
        article.title = "Draft"
        article.save()

        self.assertEqual(
            history("other"), [("created", "Final"), ("renamed", "Final -> Draft")]
        )

    def test_a_new_article_is_not_read_back_before_it_is_inserted(self):
        # Two queries: the article's INSERT and its history entry's.
        with self.assertNumQueries(2, using="other"):
            Article.objects.using("other").create(title="Fresh")

    def test_an_unchanged_title_is_an_update(self):
        article = Article.objects.using("other").create(title="Draft")
        article.save()

        self.assertEqual(history("other"), [("created", "Draft"), ("updated", "Draft")])

    def test_a_receiver_without_using_writes_to_the_wrong_database(self):
        with swapped(
            post_save, signals.record_save, broken.record_save_on_default, Article
        ):
            article = Article.objects.using("other").create(title="Misfiled")
            self.assertEqual(history("default"), [("created", "Misfiled")])
            article.save()  # an update: this receiver records creations only

        self.assertEqual(history("default"), [("created", "Misfiled")])
        self.assertEqual(history("other"), [])

    def test_delete_signals_carry_using(self):
        article = Article.objects.using("other").create(title="Retired")

        with (
            captured(pre_delete, Article) as before,
            captured(post_delete, Article) as after,
        ):
            article.delete()

        self.assertEqual([c["using"] for c in before + after], ["other", "other"])
        # The entries outlive the article: they hold its pk, not a foreign key.
        self.assertEqual(
            history("other"), [("created", "Retired"), ("deleted", "Retired")]
        )
        self.assertEqual(history("default"), [])

    def test_m2m_changed_carries_using(self):
        article = Article.objects.using("other").create(title="Tagged")
        tag = Tag.objects.using("other").create(name="databases")

        with captured(m2m_changed, Article.tags.through) as calls:
            article.tags.add(tag)
            article.tags.remove(tag)

        self.assertEqual(
            [(c["action"], c["using"]) for c in calls],
            [
                ("pre_add", "other"),
                ("post_add", "other"),
                ("pre_remove", "other"),
                ("post_remove", "other"),
            ],
        )
        self.assertEqual(
            history("other")[1:], [("tagged", "databases"), ("untagged", "databases")]
        )

    def test_a_hand_sent_m2m_changed_is_read_by_value(self):
        # The action is compared by value, not by identity: a string built at
        # run time (as one read from a queue would be) works as Django's own.
        article = Article.objects.using("other").create(title="Tagged")
        tag = Tag.objects.using("other").create(name="databases")

        m2m_changed.send(
            sender=Article.tags.through,
            instance=article,
            action="".join(["post_", "add"]),
            reverse=False,
            model=Tag,
            pk_set={tag.pk},
            using="other",
        )

        self.assertEqual(history("other")[1:], [("tagged", "databases")])

    def test_changes_made_from_the_tag_s_side_are_not_recorded(self):
        article = Article.objects.using("other").create(title="Tagged")
        tag = Tag.objects.using("other").create(name="databases")

        tag.articles.add(article)

        self.assertEqual(history("other"), [("created", "Tagged")])

    def test_pre_init_and_post_init_carry_no_using(self):
        pk = Article.objects.using("other").create(title="Loaded").pk
        seen = []

        def spy(sender, instance, **kwargs):
            seen.append((sorted(kwargs), instance._state.db))

        post_init.connect(spy, sender=Article, weak=False)
        try:
            with captured(pre_init, Article) as before:
                loaded = Article.objects.using("other").get(pk=pk)
        finally:
            post_init.disconnect(spy, sender=Article)

        self.assertEqual(sorted(before[0]), ["args", "kwargs", "sender", "signal"])
        # While post_init runs, the instance does not know its database yet.
        self.assertEqual(seen, [(["signal"], None)])
        self.assertEqual(loaded._state.db, "other")


class CaptureOnCommitTests(TestCase):
    databases = DATABASES

    def test_no_callback_runs_by_itself(self):
        with self.assertNoLogs(LOGGER, "INFO"):
            Article.objects.using("other").create(title="Uncommitted")

    def test_capture_on_commit_callbacks_watches_default_unless_told(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks() as on_default,
            self.captureOnCommitCallbacks(using="other", execute=True) as on_other,
        ):
            Article.objects.using("other").create(title="Captured")

        self.assertEqual(on_default, [])
        self.assertEqual(len(on_other), 1)
        self.assertEqual(messages(logs), ["New article on 'other': Captured"])


# --8<-- [start:on_commit]
class OnCommitTests(TransactionTestCase):
    """Real commits: each database has its own transaction, and its own hooks."""

    databases = DATABASES

    def test_the_callback_waits_for_the_commit_of_the_article_s_database(self):
        with self.assertLogs(LOGGER, "INFO") as logs, transaction.atomic(using="other"):
            Article.objects.using("other").create(title="Sharding")
            self.assertEqual(messages(logs), [])

        self.assertEqual(messages(logs), ["New article on 'other': Sharding"])

    def test_a_rollback_of_the_article_s_database_cancels_it(self):
        with (
            self.assertNoLogs(LOGGER, "INFO"),
            suppress(Rollback),
            transaction.atomic(using="other"),
        ):
            Article.objects.using("other").create(title="Withdrawn")
            raise Rollback

        self.assertFalse(Article.objects.using("other").exists())

    def test_a_transaction_on_default_has_no_say(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            suppress(Rollback),
            transaction.atomic(),
        ):
            with transaction.atomic(using="other"):
                Article.objects.using("other").create(title="Sharding")
            # "other" has committed: the callback has run.
            self.assertEqual(messages(logs), ["New article on 'other': Sharding"])
            raise Rollback  # rolls back default only

        self.assertTrue(Article.objects.using("other").exists())

    def test_on_default_in_autocommit_the_callback_runs_before_the_commit(self):
        wrong = broken.announce_on_default_commit
        with (
            swapped(post_save, signals.announce_new_article, wrong, Article),
            self.assertLogs(LOGGER, "INFO") as logs,
            suppress(Rollback),
            transaction.atomic(using="other"),
        ):
            Article.objects.using("other").create(title="Never published")
            # Already announced, inside the transaction on "other".
            self.assertEqual(
                messages(logs), ["New article on 'other': Never published"]
            )
            raise Rollback

        self.assertFalse(Article.objects.using("other").exists())

    def test_in_a_transaction_on_default_the_callback_waits_for_default(self):
        wrong = broken.announce_on_default_commit
        with (
            swapped(post_save, signals.announce_new_article, wrong, Article),
            self.assertLogs(LOGGER, "INFO") as logs,
            transaction.atomic(),
        ):
            with suppress(Rollback), transaction.atomic(using="other"):
                article = Article.objects.using("other").create(title="Withdrawn")
                raise Rollback
            self.assertEqual(messages(logs), [])
            # Leaving atomic() commits default: now the callback runs, for a
            # row that "other" rolled back.

        self.assertEqual(
            messages(logs),
            [f"Article {article.pk} is not in 'other': nothing to announce"],
        )

    def test_on_default_an_update_is_still_not_announced(self):
        article = Article.objects.using("other").create(title="Announced once")
        wrong = broken.announce_on_default_commit
        with (
            swapped(post_save, signals.announce_new_article, wrong, Article),
            self.assertNoLogs(LOGGER, "INFO"),
        ):
            article.save()  # only the database is wrong, not the condition

    def test_in_a_transaction_on_default_a_rollback_there_loses_it(self):
        wrong = broken.announce_on_default_commit
        with (
            swapped(post_save, signals.announce_new_article, wrong, Article),
            self.assertNoLogs(LOGGER, "INFO"),
            suppress(Rollback),
            transaction.atomic(),
        ):
            with transaction.atomic(using="other"):
                Article.objects.using("other").create(title="Published")
            raise Rollback  # rolls back default only

        # The article is committed, but it was never announced.
        self.assertTrue(
            Article.objects.using("other").filter(title="Published").exists()
        )


# --8<-- [end:on_commit]


class RouterTests(TestCase):
    databases = DATABASES

    @override_settings(DATABASE_ROUTERS=[OTHER_ROUTER])
    def test_db_for_write_decides_using(self):
        with captured(post_save, Article) as calls:
            article = Article.objects.create(title="Routed")

        self.assertEqual(calls[0]["using"], "other")
        self.assertEqual(article._state.db, "other")
        self.assertEqual(history("other"), [("created", "Routed")])
        self.assertEqual(history("default"), [])

    def rename_with_a_lagging_replica(self):
        article = Article.objects.create(title="Draft")  # written to default
        # The replica has caught up with the first version only.
        Article.objects.using("other").bulk_create(
            [Article(pk=article.pk, title="Draft")]
        )
        for title in ("Final", "Final, revised"):
            article.title = title
            article.save()
        self.assertEqual(Article.objects.get(pk=article.pk).title, "Draft")  # stale
        return history("default")

    @override_settings(DATABASE_ROUTERS=[REPLICA_ROUTER])
    def test_a_receiver_that_reads_with_using_reads_what_it_writes(self):
        self.assertEqual(
            self.rename_with_a_lagging_replica(),
            [
                ("created", "Draft"),
                ("renamed", "Draft -> Final"),
                ("renamed", "Final -> Final, revised"),
            ],
        )

    @override_settings(DATABASE_ROUTERS=[REPLICA_ROUTER])
    def test_a_receiver_that_reads_through_the_router_reads_the_replica(self):
        wrong = broken.remember_title_through_router
        with swapped(pre_save, signals.remember_stored_title, wrong, Article):
            entries = self.rename_with_a_lagging_replica()

        self.assertEqual(
            entries,
            [
                ("created", "Draft"),
                ("renamed", "Draft -> Final"),
                ("renamed", "Draft -> Final, revised"),  # a stale read
            ],
        )

    @override_settings(DATABASE_ROUTERS=[REPLICA_ROUTER])
    def test_the_wrong_receiver_reads_the_replica_once_per_update(self):
        wrong = broken.remember_title_through_router
        replica = connections["other"]
        with swapped(pre_save, signals.remember_stored_title, wrong, Article):
            with CaptureQueriesContext(replica) as reads:
                article = Article.objects.create(title="Draft")
            self.assertEqual(len(reads), 0)  # a new article: nothing to read

            article.title = "Final"
            with CaptureQueriesContext(replica) as reads:
                article.save()  # written to default...
            self.assertEqual(len(reads), 1)  # ...its old title read on the replica


def model_of(app_label):
    """A stand-in for a model class: a router reads only its app label.

    The label is copied at run time: an equal string, not the same object.
    """
    return SimpleNamespace(_meta=SimpleNamespace(app_label=copied(app_label)))


def copied(text):
    """An equal string that is not the same object, as one read from a file is."""
    return "".join(list(text))


class RouterDecisionTests(SimpleTestCase):
    """What each router answers, for this app and for apps before and after
    it in alphabetical order. Django asks them with strings it did not
    necessarily take from the same literals: they compare by value."""

    OTHER_APPS = ("auth", "polls")

    def test_other_database_router_sends_this_app_and_only_it_to_other(self):
        other = routers.OtherDatabaseRouter()
        ours = model_of(routers.APP_LABEL)

        self.assertEqual(
            (other.db_for_read(ours), other.db_for_write(ours)), ("other", "other")
        )
        for app_label in self.OTHER_APPS:
            with self.subTest(app_label):
                model = model_of(app_label)
                self.assertIsNone(other.db_for_read(model))
                self.assertIsNone(other.db_for_write(model))

    def test_other_database_router_migrates_this_app_on_other_only(self):
        other = routers.OtherDatabaseRouter()
        ours = copied(routers.APP_LABEL)

        self.assertIs(other.allow_migrate(copied("other"), ours), True)
        for database in ("default", "replica"):
            with self.subTest(database):
                self.assertIs(other.allow_migrate(database, ours), False)
        for app_label in self.OTHER_APPS:
            with self.subTest(app_label):
                self.assertIsNone(other.allow_migrate("other", copied(app_label)))

    def test_replica_router_writes_this_app_to_default_and_reads_it_from_other(self):
        replica = routers.ReplicaRouter()
        ours = model_of(routers.APP_LABEL)

        self.assertEqual(
            (replica.db_for_read(ours), replica.db_for_write(ours)),
            ("other", "default"),
        )
        for app_label in self.OTHER_APPS:
            with self.subTest(app_label):
                model = model_of(app_label)
                self.assertIsNone(replica.db_for_read(model))
                self.assertIsNone(replica.db_for_write(model))


class LoaddataTests(TestCase):
    databases = DATABASES

    def test_loaddata_sends_raw_saves_with_the_database_it_loads_into(self):
        with (
            captured(pre_save) as before,
            captured(post_save) as after,
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


def default_tags(using):
    tags = Tag.objects.using(using).filter(name__in=DEFAULT_TAGS)
    return sorted(tags.values_list("name", flat=True))


class TestDatabaseTests(TestCase):
    databases = DATABASES

    def test_each_test_database_is_migrated_and_has_its_tags(self):
        for using in ("default", "other"):
            self.assertEqual(default_tags(using), sorted(DEFAULT_TAGS))

    def test_a_sqlite_test_database_is_in_memory(self):
        sqlite = [c for c in connections.all() if c.vendor == "sqlite"]
        self.assertTrue(sqlite)  # "other" is SQLite in the project and the box
        for connection in sqlite:
            self.assertTrue(connection.is_in_memory_db(), connection.alias)


class DatabasesAttributeTests(TransactionTestCase):
    # Not a TestCase: the inner TestCase closes every connection when it
    # ends, which on PostgreSQL would end the outer test's transaction.
    def test_a_test_case_that_does_not_name_other_may_not_query_it(self):
        class DefaultOnly(TestCase):
            def test_query(self):
                Article.objects.using("other").count()

        result = unittest.TestResult()
        unittest.TestSuite([DefaultOnly("test_query")]).run(result)

        [(_, error)] = result.failures
        self.assertIn("Database queries to 'other' are not allowed", error)


class MigrateTests(TestCase):
    databases = DATABASES

    def setUp(self):
        for using in ("default", "other"):
            Tag.objects.using(using).filter(name__in=DEFAULT_TAGS).delete()
        self.ours = apps.get_app_config("multiple_databases")

    def test_migrate_database_other_sends_both_signals_with_using_other(self):
        with captured(pre_migrate) as before, captured(post_migrate) as after:
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
