"""Change tracking in save(): FieldTracker, dirtyfields, and deferred fields."""

from unittest import skipIf, skipUnless

import django
from django.db import models
from django.test import TestCase

from ..models import DirtyArticle, LifecycleArticle, Status, TrackedArticle
from .helpers import LOGGER, PUBLISHED, SaveBasedTests, stored


class FieldTrackerTests(SaveBasedTests, TestCase):
    model = TrackedArticle

    def test_a_published_article_costs_no_select_per_save(self):
        article = self.model.objects.create(title="News", status=PUBLISHED)
        article.title = "News, corrected"

        with self.assertNumQueries(1):
            article.save()

    def test_the_tracker_forgets_the_change_once_saved(self):
        article = self.draft()
        article.status = PUBLISHED
        article.save()

        self.assertFalse(article.tracker.has_changed("status"))


class DirtyFieldsTests(SaveBasedTests, TestCase):
    model = DirtyArticle

    def test_a_published_article_costs_no_select_per_save(self):
        article = self.model.objects.create(title="News", status=PUBLISHED)
        article.title = "News, corrected"

        with self.assertNumQueries(1):
            article.save()

    def test_the_change_is_forgotten_once_saved(self):
        article = self.draft()
        article.status = PUBLISHED
        article.save()

        self.assertEqual(article.get_dirty_fields(), {})


# --8<-- [start:deferred_tests]
class DeferredFieldTests(TestCase):
    """What each package knows about a field that only() left out."""

    def test_field_tracker_reads_the_stored_value_when_you_assign(self):
        pk = TrackedArticle.objects.create(title="Draft").pk
        article = TrackedArticle.objects.only("title").get(pk=pk)
        with self.assertNumQueries(0):
            self.assertFalse(article.tracker.has_changed("status"))

        with self.assertNumQueries(1):  # the stored status, read first
            article.status = PUBLISHED

        self.assertTrue(article.tracker.has_changed("status"))
        self.assertEqual(article.tracker.previous("status"), Status.DRAFT)
        article.save()
        self.assertIsNotNone(stored(article)[1])

    def test_field_tracker_sees_that_a_published_article_did_not_change(self):
        pk = TrackedArticle.objects.create(title="News", status=PUBLISHED).pk
        article = TrackedArticle.objects.only("title").get(pk=pk)
        first = stored(article)[1]

        article.status = PUBLISHED
        self.assertFalse(article.tracker.has_changed("status"))
        article.save()

        self.assertEqual(stored(article)[1], first)

    def test_field_tracker_reads_a_deferred_field_with_two_queries(self):
        pk = TrackedArticle.objects.create(title="Draft").pk
        article = TrackedArticle.objects.only("title").get(pk=pk)

        with self.assertNumQueries(2):
            self.assertEqual(article.status, Status.DRAFT)

    def test_dirtyfields_misses_a_change_to_a_deferred_field(self):
        pk = DirtyArticle.objects.create(title="Draft").pk
        article = DirtyArticle.objects.only("title").get(pk=pk)
        self.assertEqual(article.get_dirty_fields(), {})

        article.status = PUBLISHED

        self.assertEqual(article.get_dirty_fields(), {})
        article.save()
        self.assertEqual(stored(article), (PUBLISHED, None))

    def test_dirtyfields_sees_it_once_the_field_was_read(self):
        pk = DirtyArticle.objects.create(title="Draft").pk
        article = DirtyArticle.objects.only("title").get(pk=pk)

        article.status  # noqa: B018 (the read loads it, through refresh_from_db)
        article.status = PUBLISHED

        self.assertEqual(article.get_dirty_fields(), {"status": Status.DRAFT})

    def test_lifecycle_sees_no_change_to_a_deferred_field(self):
        pk = LifecycleArticle.objects.create(title="Draft").pk
        article = LifecycleArticle.objects.only("title").get(pk=pk)
        self.assertIsNone(article.initial_value("status"))
        self.assertFalse(article.has_changed("status"))

        article.status = PUBLISHED

        self.assertFalse(article.has_changed("status"))

    def test_lifecycle_publishes_an_already_published_article_again(self):
        pk = LifecycleArticle.objects.create(title="News", status=PUBLISHED).pk
        article = LifecycleArticle.objects.only("title").get(pk=pk)
        first = stored(article)[1]

        article.status = PUBLISHED  # what it already was
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            article.save()

        self.assertGreater(stored(article)[1], first)  # a new date
        self.assertEqual(len(logs.output), 1)  # and a log line, once more

    def test_lifecycle_forgets_earlier_changes_when_a_deferred_field_loads(self):
        pk = LifecycleArticle.objects.create(title="Draft").pk
        article = LifecycleArticle.objects.only("title").get(pk=pk)
        article.title = "Renamed"
        self.assertTrue(article.has_changed("title"))

        article.status  # noqa: B018 (refresh_from_db() resets its snapshot)

        self.assertFalse(article.has_changed("title"))


# --8<-- [end:deferred_tests]


class FetchModeTests(TestCase):
    """Django 6.1 can load a deferred field for a whole queryset at once."""

    # --8<-- [start:fetch_peers]
    def second_of_two_drafts(self, model):
        """Load two drafts without their status, read it on the first only."""
        model.objects.bulk_create([model(title="One"), model(title="Two")])
        queryset = model.objects.only("title").order_by("pk")
        first, second = queryset.fetch_mode(models.FETCH_PEERS)
        first.status  # noqa: B018 (loads the status of both rows)
        with self.assertNumQueries(0):
            self.assertEqual(second.status, Status.DRAFT)
        second.status = PUBLISHED
        return second

    @skipUnless(django.VERSION >= (6, 1), "fetch modes arrived in Django 6.1")
    def test_after_fetch_peers_only_field_tracker_sees_the_change(self):
        dirty = self.second_of_two_drafts(DirtyArticle)
        lifecycle = self.second_of_two_drafts(LifecycleArticle)
        tracked = self.second_of_two_drafts(TrackedArticle)

        self.assertEqual(dirty.get_dirty_fields(), {})  # missed
        self.assertFalse(lifecycle.has_changed("status"))  # missed
        self.assertTrue(tracked.tracker.has_changed("status"))

    # --8<-- [end:fetch_peers]

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 added QuerySet.fetch_mode()")
    def test_before_django_6_1_every_deferred_field_loads_one_by_one(self):
        self.assertFalse(hasattr(models.QuerySet, "fetch_mode"))
