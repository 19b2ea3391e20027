"""A generated field: the database computes is_published on every write."""

from unittest import skipIf, skipUnless

import django
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from ..models import Article
from ..services import publish
from .helpers import PUBLISHED


# --8<-- [start:generated_tests]
class GeneratedFieldTests(TestCase):
    """The database computes is_published on every write, whoever writes."""

    def is_published(self):
        return list(Article.objects.values_list("is_published", flat=True))

    def test_create_and_bulk_create_return_it(self):
        article = Article.objects.create(title="Draft")
        (news,) = Article.objects.bulk_create(
            [Article(title="News", status=PUBLISHED, published_at=timezone.now())]
        )

        with self.assertNumQueries(0):  # read back with the INSERT
            self.assertEqual((article.is_published, news.is_published), (False, True))

    def test_queryset_update_keeps_it_right(self):
        Article.objects.create(title="Draft")

        Article.objects.update(status=PUBLISHED, published_at=timezone.now())

        self.assertEqual(self.is_published(), [True])

    def test_raw_sql_keeps_it_right(self):
        Article.objects.create(title="Draft")

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE alternatives_article"
                " SET status = 'published', published_at = '2024-05-01 09:00:00'"
            )

        self.assertEqual(self.is_published(), [True])

    def test_loaddata_computes_it(self):
        call_command("loaddata", "alternatives.json", verbosity=0)

        self.assertTrue(Article.objects.get(pk=40).is_published)

    def test_update_ignores_it_without_a_word(self):
        Article.objects.create(title="Draft")

        with self.assertNumQueries(0):
            self.assertEqual(Article.objects.update(is_published=True), 0)

        self.assertEqual(self.is_published(), [False])

    def test_a_value_set_in_python_is_never_written(self):
        article = Article(title="Draft", is_published=True)
        article.save()

        self.assertEqual(self.is_published(), [False])
        self.assertFalse(article.is_published)  # the INSERT read it back

    # --8<-- [end:generated_tests]

    @skipUnless(django.VERSION >= (6, 0), "save() reads it back from Django 6.0")
    def test_save_reads_the_new_value_back(self):
        article = Article.objects.create(title="Draft")

        publish(article)  # save(update_fields=["status", "published_at"])

        with self.assertNumQueries(0):
            self.assertTrue(article.is_published)

    @skipIf(django.VERSION >= (6, 0), "Django 6.0 reads it back after save()")
    def test_before_django_6_0_save_leaves_the_old_value(self):
        article = Article.objects.create(title="Draft")

        publish(article)

        self.assertFalse(article.is_published)  # stale: the row says True
        article.refresh_from_db(fields=["is_published"])
        self.assertTrue(article.is_published)
