"""Routers choose `using`; a receiver that reads through them may read a replica."""

from types import SimpleNamespace

from django.db import connections
from django.db.models.signals import post_save, pre_save
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from .. import broken, routers, signals
from ..models import Article
from .helpers import DATABASES, OTHER_ROUTER, history, recorded, swapped

REPLICA_ROUTER = "multiple_databases.routers.ReplicaRouter"


class RouterTests(TestCase):
    databases = DATABASES

    @override_settings(DATABASE_ROUTERS=[OTHER_ROUTER])
    def test_db_for_write_decides_using(self):
        with recorded(post_save, Article) as calls:
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
