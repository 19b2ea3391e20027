"""on_commit() follows one database: the right one, or the wrong one in broken.py."""

from contextlib import suppress

from django.db import transaction
from django.db.models.signals import post_save
from django.test import TestCase, TransactionTestCase

from .. import broken, signals
from ..models import Article
from .helpers import DATABASES, LOGGER, messages, swapped


class Rollback(Exception):
    """Raised to leave an atomic() block with a rollback."""


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
