"""A database trigger (django-pgtrigger) sets the date on every write, on PostgreSQL."""

from datetime import UTC, datetime
from unittest import skipIf, skipUnless

from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from ..models import TriggeredArticle
from .helpers import PUBLISHED


# --8<-- [start:trigger_tests]
@skipUnless(connection.vendor == "postgresql", "pgtrigger installs them on PostgreSQL")
class TriggerTests(TestCase):
    """PostgreSQL sets the date on every write path: no Python code runs."""

    def dates(self):
        return list(TriggeredArticle.objects.values_list("published_at", flat=True))

    def test_create_and_save_set_the_date(self):
        TriggeredArticle.objects.create(title="News", status=PUBLISHED)
        draft = TriggeredArticle.objects.create(title="Draft")
        draft.status = PUBLISHED
        draft.save()

        self.assertNotIn(None, self.dates())

    def test_queryset_update_sets_the_date(self):
        TriggeredArticle.objects.create(title="Draft")

        TriggeredArticle.objects.update(status=PUBLISHED)

        self.assertNotIn(None, self.dates())

    def test_bulk_create_and_bulk_update_set_the_date(self):
        TriggeredArticle.objects.bulk_create(
            [TriggeredArticle(title="News", status=PUBLISHED)]
        )
        draft = TriggeredArticle.objects.create(title="Draft")
        draft.status = PUBLISHED
        TriggeredArticle.objects.bulk_update([draft], ["status"])

        self.assertNotIn(None, self.dates())

    def test_raw_sql_sets_the_date(self):
        TriggeredArticle.objects.create(title="Draft")

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE alternatives_triggeredarticle SET status = 'published'"
            )

        self.assertNotIn(None, self.dates())

    def test_loaddata_sets_the_date(self):
        call_command("loaddata", "alternatives.json", verbosity=0)

        self.assertIsNotNone(TriggeredArticle.objects.get(pk=40).published_at)

    def test_a_draft_keeps_no_date_and_a_published_article_keeps_its_date(self):
        draft = TriggeredArticle.objects.create(title="Draft")
        news = TriggeredArticle.objects.create(title="News", status=PUBLISHED)
        may_day = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
        TriggeredArticle.objects.filter(pk=news.pk).update(published_at=may_day)

        TriggeredArticle.objects.update(title="Edited")

        self.assertIsNone(TriggeredArticle.objects.get(pk=draft.pk).published_at)
        self.assertEqual(TriggeredArticle.objects.get(pk=news.pk).published_at, may_day)

    def test_the_instance_in_memory_does_not_see_the_date(self):
        news = TriggeredArticle.objects.create(title="News", status=PUBLISHED)

        self.assertIsNone(news.published_at)  # the trigger wrote it, not Python
        news.refresh_from_db(fields=["published_at"])
        self.assertIsNotNone(news.published_at)


# --8<-- [end:trigger_tests]


@skipIf(connection.vendor == "postgresql", "on PostgreSQL the trigger exists")
class NoTriggerElsewhereTests(TestCase):
    def test_on_another_database_nothing_sets_the_date(self):
        TriggeredArticle.objects.create(title="News", status=PUBLISHED)

        self.assertIsNone(TriggeredArticle.objects.get().published_at)
