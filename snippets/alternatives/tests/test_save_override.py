"""Overriding save(): what it catches, what it misses, and the signals beside it."""

from contextlib import contextmanager

from django.core.management import call_command
from django.db.models.signals import post_save, pre_save
from django.test import TestCase

from ..models import ArticleWithSave, Status
from .helpers import LOGGER, PUBLISHED, SaveBasedTests, stored


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


# --8<-- [start:save_tests]
class SaveOverrideTests(SaveBasedTests, TestCase):
    model = ArticleWithSave

    def test_a_published_article_costs_one_select_per_save(self):
        article = self.model.objects.create(title="News", status=PUBLISHED)
        article.title = "News, corrected"

        with self.assertNumQueries(2):  # SELECT the stored status, UPDATE
            article.save()

    def test_a_new_article_costs_no_select(self):
        with self.assertNumQueries(1):  # the INSERT
            self.model.objects.create(title="News", status=PUBLISHED)

    def test_a_draft_costs_no_select(self):
        article = self.draft()
        article.title = "Still a draft"

        with self.assertNumQueries(1):
            article.save()

    def test_update_fields_with_the_status_writes_the_date_too(self):
        article = self.draft()
        article.status = PUBLISHED

        article.save(update_fields=["status"])

        self.assertEqual(stored(article), (PUBLISHED, article.published_at))
        self.assertIsNotNone(article.published_at)

    def test_update_fields_without_the_status_publishes_nothing(self):
        article = self.draft()
        article.status = PUBLISHED
        article.title = "Renamed"

        article.save(update_fields=["title"])

        self.assertEqual(stored(article), (Status.DRAFT, None))

    def test_a_status_never_loaded_costs_no_query_and_is_left_alone(self):
        article = self.model.objects.create(title="News", status=PUBLISHED)
        article = self.model.objects.only("title").get(pk=article.pk)
        article.title = "Renamed"

        with self.assertNumQueries(1):  # the UPDATE, of the title only
            article.save()

    def test_a_draft_loaded_without_its_status_is_not_published(self):
        article = self.model.objects.only("title").get(pk=self.draft().pk)
        article.title = "Renamed"

        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            article.save()

        self.assertEqual(stored(article), (Status.DRAFT, None))

    def test_a_new_article_with_a_pk_of_your_choosing_is_published(self):
        # The pk is set, but no row has it yet: there is no stored status.
        article = self.model(pk=1000, title="News", status=PUBLISHED)

        article.save()

        self.assertEqual(stored(article), (PUBLISHED, article.published_at))
        self.assertIsNotNone(article.published_at)

    def test_a_status_set_on_a_row_loaded_without_it_is_published(self):
        article = self.model.objects.only("title").get(pk=self.draft().pk)
        article.status = PUBLISHED

        article.save()

        self.assertIsNotNone(stored(article)[1])


# --8<-- [end:save_tests]


class SignalsForComparisonTests(TestCase):
    """The model signals a receiver would use, sent by the same write paths."""

    def test_update_and_bulk_operations_send_no_save_signals(self):
        article = ArticleWithSave.objects.create(title="Draft")
        article.status = PUBLISHED

        with (
            recorded(pre_save, ArticleWithSave) as before,
            recorded(post_save, ArticleWithSave) as after,
        ):
            ArticleWithSave.objects.update(status=PUBLISHED)
            ArticleWithSave.objects.bulk_create([ArticleWithSave(title="More")])
            ArticleWithSave.objects.bulk_update([article], ["status"])

        self.assertEqual((before, after), ([], []))

    def test_loaddata_sends_them_with_raw_true_but_skips_save(self):
        with (
            recorded(pre_save, ArticleWithSave) as before,
            recorded(post_save, ArticleWithSave) as after,
        ):
            call_command("loaddata", "alternatives.json", verbosity=0)

        self.assertEqual([call["raw"] for call in before + after], [True, True])
        self.assertIsNone(ArticleWithSave.objects.get(pk=40).published_at)
