"""A check constraint: the database refuses a published article without a date."""

from unittest import skipUnless

import django
from django.contrib.admin import ModelAdmin, site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.forms import modelform_factory
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ..models import Article, Status
from .helpers import PUBLISHED


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
