"""A service function: publish() does the work, and code that skips it skips it all."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..models import Article
from ..services import publish, publish_drafts
from .helpers import LOGGER, PUBLISHED, stored


# --8<-- [start:service_tests]
class ServiceTests(TestCase):
    def test_publish_sets_the_date_and_logs_after_commit(self):
        article = Article.objects.create(title="Draft")

        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            publish(article)
            self.assertEqual(logs.output, [])

        self.assertEqual(stored(article), (PUBLISHED, article.published_at))
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:Published article {article.pk}"])

    def test_publishing_twice_changes_nothing(self):
        article = Article.objects.create(title="Draft")
        publish(article)
        first = article.published_at

        with self.captureOnCommitCallbacks() as callbacks:
            publish(article)

        self.assertEqual(stored(article)[1], first)
        self.assertEqual(callbacks, [])

    def test_publishing_an_article_loaded_as_published_changes_nothing(self):
        article = Article.objects.create(title="Draft")
        publish(article)
        first = article.published_at
        article = Article.objects.get(pk=article.pk)  # its status is a plain str

        with self.captureOnCommitCallbacks() as callbacks:
            publish(article)

        self.assertEqual(stored(article)[1], first)
        self.assertEqual(callbacks, [])

    def test_publish_drafts_publishes_a_queryset_with_one_update(self):
        drafts = [Article.objects.create(title=f"Draft {n}") for n in range(3)]
        published = Article.objects.create(
            title="Old news", status=PUBLISHED, published_at=timezone.now()
        )

        with (
            CaptureQueriesContext(connection) as queries,
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.assertEqual(publish_drafts(Article.objects.all()), 3)
            self.assertEqual(logs.output, [])  # not committed yet

        updates = [q for q in queries if q["sql"].startswith("UPDATE")]
        self.assertEqual(len(updates), 1)
        self.assertEqual(len(logs.output), 3)
        for draft in drafts:
            self.assertEqual(stored(draft)[0], PUBLISHED)
            self.assertIsNotNone(stored(draft)[1])
        self.assertEqual(stored(published)[1], published.published_at)

    def test_code_that_saves_directly_skips_the_service(self):
        article = Article.objects.create(title="Draft")
        article.status = PUBLISHED
        article.published_at = timezone.now()

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            article.save()  # valid, so the database accepts it

        self.assertEqual(callbacks, [])  # but nobody logged the publication


# --8<-- [end:service_tests]
