"""Model signals carry `using`: the receivers read and write where the article is."""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)
from django.test import TestCase

from .. import broken, signals
from ..models import Article, Tag
from .helpers import DATABASES, history, recorded, swapped


class UsingTests(TestCase):
    databases = DATABASES

    def test_save_signals_carry_the_database_the_row_went_to(self):
        with (
            recorded(pre_save, Article) as before,
            recorded(post_save, Article) as after,
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
            recorded(pre_delete, Article) as before,
            recorded(post_delete, Article) as after,
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

        with recorded(m2m_changed, Article.tags.through) as calls:
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
            with recorded(pre_init, Article) as before:
                loaded = Article.objects.using("other").get(pk=pk)
        finally:
            post_init.disconnect(spy, sender=Article)

        self.assertEqual(sorted(before[0]), ["args", "kwargs", "sender", "signal"])
        # While post_init runs, the instance does not know its database yet.
        self.assertEqual(seen, [(["signal"], None)])
        self.assertEqual(loaded._state.db, "other")
