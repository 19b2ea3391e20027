from django.core.management import call_command
from django.db import connection
from django.db.models.signals import pre_save
from django.test import TestCase
from django.test.utils import isolate_apps

from .models import Article
from .signals import title_case_title


def stored_title(article):
    """The title as the database holds it, not as the instance remembers it."""
    return Article.objects.values_list("title", flat=True).get(pk=article.pk)


class TitleCaseTests(TestCase):
    def test_a_new_title_is_stored_in_title_case(self):
        article = Article.objects.create(title="my first post")

        self.assertEqual(stored_title(article), "My First Post")

    def test_the_instance_is_changed_before_it_is_written(self):
        # pre_save runs before the INSERT, so the object in memory changes too.
        article = Article(title="my first post")
        article.save()

        self.assertEqual(article.title, "My First Post")

    def test_every_later_save_is_title_cased_too(self):
        article = Article.objects.create(title="draft")
        article.title = "a second look"
        article.save()

        self.assertEqual(stored_title(article), "A Second Look")

    def test_str_title_starts_a_word_after_any_non_letter(self):
        article = Article.objects.create(title="don't panic: 1st aid")

        self.assertEqual(stored_title(article), "Don'T Panic: 1St Aid")

    def test_str_title_lowercases_acronyms(self):
        article = Article.objects.create(title="learn HTML and CSS")

        self.assertEqual(stored_title(article), "Learn Html And Css")

    def test_loaddata_keeps_the_stored_title(self):
        # loaddata sends pre_save with raw=True; the receiver leaves the title.
        call_command("loaddata", "article_titles.json", verbosity=0)

        self.assertEqual(
            Article.objects.get(pk=30).title, "iPhone tips from the archive"
        )


class WritesThatSkipTheReceiverTests(TestCase):
    def test_bulk_create_stores_the_title_as_given(self):
        Article.objects.bulk_create([Article(title="my first post")])

        self.assertEqual(Article.objects.get().title, "my first post")

    def test_bulk_create_gives_the_objects_their_primary_keys(self):
        # INSERT ... RETURNING, on SQLite 3.35+ and PostgreSQL alike:
        # code that does a receiver's work next to the bulk call can use them.
        articles = Article.objects.bulk_create(
            [Article(title="one"), Article(title="two")]
        )

        self.assertTrue(connection.features.can_return_rows_from_bulk_insert)
        self.assertEqual(
            [a.pk for a in articles],
            list(Article.objects.order_by("pk").values_list("pk", flat=True)),
        )

    @isolate_apps("article_titles")
    def test_a_proxy_model_saves_without_the_receiver(self):
        class DraftArticle(Article):
            class Meta:
                proxy = True
                app_label = "article_titles"

        article = DraftArticle.objects.create(title="my first post")

        self.assertEqual(stored_title(article), "my first post")

    @isolate_apps("article_titles")
    def test_connected_for_the_proxy_too_it_runs(self):
        class DraftArticle(Article):
            class Meta:
                proxy = True
                app_label = "article_titles"

        pre_save.connect(title_case_title, sender=DraftArticle)
        self.addCleanup(pre_save.disconnect, title_case_title, sender=DraftArticle)
        article = DraftArticle.objects.create(title="my first post")

        self.assertEqual(stored_title(article), "My First Post")
