from contextlib import contextmanager
from datetime import UTC, datetime
from unittest import skipIf, skipUnless

import django
from django.contrib.admin import ModelAdmin, site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.forms import modelform_factory
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_lifecycle import BEFORE_UPDATE, hook
from django_lifecycle.conditions import WhenFieldValueChangesTo
from django_lifecycle.decorators import DjangoLifeCycleException

from .models import (
    Article,
    ArticleWithSave,
    DirtyArticle,
    LifecycleArticle,
    Status,
    TrackedArticle,
    TriggeredArticle,
)
from .services import publish, publish_drafts

LOGGER = "alternatives.models"
PUBLISHED = Status.PUBLISHED


def stored(article):
    """(status, published_at) as the table holds them."""
    return (
        type(article).objects.values_list("status", "published_at").get(pk=article.pk)
    )


@contextmanager
def captured(signal, sender):
    """Collect the keyword arguments of every send while the block runs."""
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=sender)


class SaveBasedTests:
    """What every version that runs inside save() catches and misses.

    Each subclass names a model; the tests are the same for all four.
    """

    model = None

    def draft(self, title="Draft"):
        return self.model.objects.create(title=title)

    def test_saving_a_draft_as_published_sets_the_date_and_logs_after_commit(self):
        article = self.draft()
        article.status = PUBLISHED
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            article.save()
            self.assertIsNotNone(article.published_at)  # set before save returns
            self.assertEqual(logs.output, [])  # not committed yet

        self.assertEqual(stored(article), (PUBLISHED, article.published_at))
        name = self.model._meta.model_name
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:Published {name} {article.pk}"])

    def test_creating_a_published_article_sets_the_date_and_logs_its_pk(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            article = self.model.objects.create(title="News", status=PUBLISHED)

        self.assertIsNotNone(stored(article)[1])
        self.assertTrue(logs.output[0].endswith(f" {article.pk}"))

    def test_creating_a_published_article_logs_nothing_before_the_commit(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.model.objects.create(title="News", status=PUBLISHED)
            self.assertEqual(logs.output, [])  # not committed yet

        self.assertEqual(len(logs.output), 1)

    def test_saving_a_published_article_again_keeps_its_date(self):
        article = self.model.objects.create(title="News", status=PUBLISHED)
        article = self.model.objects.get(pk=article.pk)
        first = article.published_at

        article.title = "News, corrected"
        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            article.save()

        self.assertEqual(stored(article)[1], first)

    def test_a_model_form_goes_through_save(self):
        article = self.draft()
        Form = modelform_factory(self.model, fields=["title", "status"])
        form = Form(data={"title": "Draft", "status": PUBLISHED}, instance=article)

        form.save()

        self.assertIsNotNone(stored(article)[1])

    def test_the_admin_goes_through_save(self):
        article = self.draft()
        admin = ModelAdmin(self.model, site)
        form = admin.get_form(None, article)(
            data={"title": "Draft", "status": PUBLISHED}, instance=article
        )
        self.assertTrue(form.is_valid())

        admin.save_model(None, form.save(commit=False), form, change=True)

        self.assertIsNotNone(stored(article)[1])

    def test_queryset_update_is_missed(self):
        self.draft()

        self.model.objects.update(status=PUBLISHED)

        self.assertEqual(
            list(self.model.objects.values_list("status", "published_at")),
            [(PUBLISHED, None)],
        )

    def test_bulk_create_is_missed(self):
        (article,) = self.model.objects.bulk_create(
            [self.model(title="News", status=PUBLISHED)]
        )

        self.assertEqual(stored(article), (PUBLISHED, None))

    def test_bulk_update_is_missed(self):
        article = self.draft()
        article.status = PUBLISHED

        self.model.objects.bulk_update([article], ["status"])

        self.assertEqual(stored(article), (PUBLISHED, None))

    def test_loaddata_is_missed(self):
        # loaddata calls Model.save_base(), not the model's save().
        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            call_command("loaddata", "alternatives.json", verbosity=0)

        self.assertEqual(stored(self.model(pk=40)), (PUBLISHED, None))


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
            captured(pre_save, ArticleWithSave) as before,
            captured(post_save, ArticleWithSave) as after,
        ):
            ArticleWithSave.objects.update(status=PUBLISHED)
            ArticleWithSave.objects.bulk_create([ArticleWithSave(title="More")])
            ArticleWithSave.objects.bulk_update([article], ["status"])

        self.assertEqual((before, after), ([], []))

    def test_loaddata_sends_them_with_raw_true_but_skips_save(self):
        with (
            captured(pre_save, ArticleWithSave) as before,
            captured(post_save, ArticleWithSave) as after,
        ):
            call_command("loaddata", "alternatives.json", verbosity=0)

        self.assertEqual([call["raw"] for call in before + after], [True, True])
        self.assertIsNone(ArticleWithSave.objects.get(pk=40).published_at)


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


# --8<-- [start:constraint_tests]
class ConstraintTests(TestCase):
    """The rule holds for every write path, because the database checks it."""

    def assertRefused(self):
        return self.assertRaisesMessage(
            IntegrityError, "alternatives_published_article_has_a_date"
        )

    def test_queryset_update_is_refused(self):
        Article.objects.create(title="Draft")

        with self.assertRefused(), transaction.atomic():
            Article.objects.update(status=PUBLISHED)

    def test_bulk_create_and_bulk_update_are_refused(self):
        with self.assertRefused(), transaction.atomic():
            Article.objects.bulk_create([Article(title="News", status=PUBLISHED)])

        article = Article.objects.create(title="Draft")
        article.status = PUBLISHED
        with self.assertRefused(), transaction.atomic():
            Article.objects.bulk_update([article], ["status"])

    def test_raw_sql_is_refused(self):
        Article.objects.create(title="Draft")

        with self.assertRefused(), transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE alternatives_article SET status = 'published'")

    def test_loaddata_is_refused(self):
        with self.assertRefused(), transaction.atomic():
            call_command("loaddata", "alternatives_undated.json", verbosity=0)

    def test_a_save_that_skips_the_service_is_refused(self):
        article = Article.objects.create(title="Draft")
        article.status = PUBLISHED

        with self.assertRefused(), transaction.atomic():
            article.save()

    def test_full_clean_reports_it_before_saving(self):
        article = Article(title="News", status=PUBLISHED)

        with (
            CaptureQueriesContext(connection) as queries,
            self.assertRaises(ValidationError) as caught,
        ):
            article.full_clean()

        # The database evaluates the condition: one SELECT, no write.
        self.assertEqual(
            [q["sql"].split()[0] for q in queries if "SAVEPOINT" not in q["sql"]],
            ["SELECT"],
        )
        self.assertEqual(
            caught.exception.messages, ["A published article needs a date."]
        )

    def test_a_form_with_both_fields_shows_the_message(self):
        Form = modelform_factory(Article, fields=["title", "status", "published_at"])
        form = Form(data={"title": "News", "status": PUBLISHED})

        self.assertEqual(form.errors["__all__"], ["A published article needs a date."])

    def test_so_does_the_admin(self):
        Form = ModelAdmin(Article, site).get_form(None)  # every editable field
        form = Form(data={"title": "News", "status": PUBLISHED})

        self.assertEqual(form.errors["__all__"], ["A published article needs a date."])

    def test_a_form_without_the_date_cannot_check_it(self):
        Form = modelform_factory(Article, fields=["title", "status"])
        form = Form(data={"title": "News", "status": PUBLISHED})

        self.assertTrue(form.is_valid())  # a field it lacks is not validated
        with self.assertRefused(), transaction.atomic():
            form.save()

    # --8<-- [end:constraint_tests]

    def test_condition_is_the_keyword_on_both_series(self):
        constraint = models.CheckConstraint(
            condition=models.Q(status=Status.DRAFT), name="only_drafts"
        )

        self.assertEqual(constraint.condition, models.Q(status=Status.DRAFT))

    @skipUnless(django.VERSION < (6, 0), "Django 6.0 removed check=")
    def test_django_5_2_still_accepts_check_with_a_warning(self):
        from django.utils.deprecation import RemovedInDjango60Warning

        with self.assertWarns(RemovedInDjango60Warning):
            constraint = models.CheckConstraint(
                check=models.Q(status=Status.DRAFT), name="only_drafts"
            )

        self.assertEqual(constraint.condition, models.Q(status=Status.DRAFT))

    @skipUnless(django.VERSION >= (6, 0), "check= works, deprecated, before 6.0")
    def test_django_6_refuses_check(self):
        with self.assertRaises(TypeError):
            models.CheckConstraint(
                check=models.Q(status=Status.DRAFT), name="only_drafts"
            )


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
