"""What the tests share: stored(), and the tests every save()-based version runs."""

from django.contrib.admin import ModelAdmin, site
from django.core.management import call_command
from django.forms import modelform_factory

from ..models import Status

LOGGER = "alternatives.models"
PUBLISHED = Status.PUBLISHED


def stored(article):
    """(status, published_at) as the table holds them."""
    return (
        type(article).objects.values_list("status", "published_at").get(pk=article.pk)
    )


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
