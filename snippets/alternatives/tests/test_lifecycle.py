"""django-lifecycle: hooks run inside save(), with a transaction and a snapshot."""

from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django_lifecycle import BEFORE_UPDATE, hook
from django_lifecycle.conditions import WhenFieldValueChangesTo
from django_lifecycle.decorators import DjangoLifeCycleException

from ..models import LifecycleArticle, Status
from .helpers import LOGGER, PUBLISHED, SaveBasedTests, stored


class LifecycleTests(SaveBasedTests, TestCase):
    model = LifecycleArticle

    def test_every_save_opens_a_transaction(self):
        article = self.draft()
        article.title = "Renamed"

        with CaptureQueriesContext(connection) as queries:
            article.save()

        self.assertEqual(
            [q["sql"].split()[0] for q in queries],
            ["SAVEPOINT", "UPDATE", "RELEASE"],  # inside the test's transaction
        )

    def test_on_commit_is_for_after_hooks_only(self):
        with self.assertRaisesMessage(DjangoLifeCycleException, "AFTER_*"):
            hook(BEFORE_UPDATE, on_commit=True)

    def test_every_instance_keeps_a_snapshot_of_its_fields(self):
        article = self.model(title="Draft")

        self.assertEqual(
            article._initial_state.initial_state,
            {"id": None, "title": "Draft", "status": "draft", "published_at": None},
        )

    def test_the_older_keyword_style_builds_the_same_condition(self):
        legacy = hook(BEFORE_UPDATE, when="status", has_changed=True, is_now=PUBLISHED)
        current = WhenFieldValueChangesTo("status", PUBLISHED)
        article = self.draft()

        article.status = PUBLISHED
        self.assertEqual((legacy.condition(article), current(article)), (True, True))
        article.status = Status.DRAFT
        self.assertEqual((legacy.condition(article), current(article)), (False, False))

    # --8<-- [start:lifecycle_tests]
    def test_a_second_save_in_the_same_transaction_runs_the_hook_again(self):
        article = self.draft()
        article.status = PUBLISHED
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
            transaction.atomic(),  # ATOMIC_REQUESTS, a service, a test case
        ):
            article.save()
            first = article.published_at
            article.title = "Published, then renamed"
            article.save()  # what it compares with is reset only on commit

        self.assertGreater(article.published_at, first)  # a second date
        self.assertEqual(len(logs.output), 2)  # and a second log line

    def test_once_committed_a_second_save_does_not_run_it(self):
        article = self.draft()
        article.status = PUBLISHED
        with self.captureOnCommitCallbacks(execute=True):
            article.save()
        first = article.published_at

        article.title = "Published, then renamed"
        article.save()

        self.assertEqual(article.published_at, first)

    def test_update_fields_without_the_date_leaves_it_unwritten(self):
        article = self.draft()
        article.status = PUBLISHED

        article.save(update_fields=["status"])

        self.assertIsNotNone(article.published_at)  # the hook set it
        self.assertEqual(stored(article), (PUBLISHED, None))  # never written

    # --8<-- [end:lifecycle_tests]


class LifecycleAutocommitTests(TransactionTestCase):
    """Outside any transaction, as in a script or a view without one."""

    def test_each_save_is_a_transaction_of_its_own(self):
        article = LifecycleArticle.objects.create(title="Draft")
        article.title = "Renamed"

        with CaptureQueriesContext(connection) as queries:
            article.save()

        self.assertEqual(
            [q["sql"].split()[0] for q in queries], ["BEGIN", "UPDATE", "COMMIT"]
        )

    def test_the_hooks_run_once_per_committed_change(self):
        article = LifecycleArticle.objects.create(title="Draft")
        article.status = PUBLISHED
        with self.assertLogs(LOGGER, "INFO") as logs:
            article.save()  # commits, which replaces the snapshot
            article.title = "Published, then renamed"
            article.save()

        self.assertEqual(len(logs.output), 1)
