import logging
from functools import partial

import pgtrigger
from dirtyfields import DirtyFieldsMixin
from django.db import models, transaction
from django.utils import timezone
from django_lifecycle import (
    AFTER_CREATE,
    AFTER_UPDATE,
    BEFORE_CREATE,
    BEFORE_UPDATE,
    LifecycleModelMixin,
    hook,
)
from django_lifecycle.conditions import WhenFieldValueChangesTo, WhenFieldValueIs
from model_utils import FieldTracker

logger = logging.getLogger(__name__)


# --8<-- [start:shared]
class Status(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"


class ArticleFields(models.Model):
    """The fields every version of the example shares."""

    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


def log_publication(article):
    """The side effect: call it once the publication is committed."""
    logger.info("Published %s %s", article._meta.model_name, article.pk)


# --8<-- [end:shared]


# --8<-- [start:save]
class ArticleWithSave(ArticleFields):
    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        publishing = becomes_published(self, update_fields)
        if publishing:
            self.published_at = timezone.now()
            if update_fields is not None:  # save(update_fields=["status"])
                kwargs["update_fields"] = {*update_fields, "published_at"}
        super().save(**kwargs)
        if publishing:
            transaction.on_commit(partial(log_publication, self))


def becomes_published(article, update_fields):
    """Whether this save writes "published" over another status.

    For a saved article that says "published", this reads the stored status:
    one query. Anything else is decided without one.
    """
    if update_fields is not None and "status" not in update_fields:
        return False  # the status is not written
    if "status" in article.get_deferred_fields():
        return False  # not loaded, so not changed: save() leaves it alone
    if article.status != Status.PUBLISHED:
        return False
    if article.pk is None:
        return True
    stored = type(article)._base_manager.filter(pk=article.pk)
    return stored.values_list("status", flat=True).first() != Status.PUBLISHED


# --8<-- [end:save]


# --8<-- [start:article]
class Article(ArticleFields):
    """Published through services.py, guarded by the database."""

    # --8<-- [start:generated]
    is_published = models.GeneratedField(
        expression=models.Q(status=Status.PUBLISHED),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    # --8<-- [end:generated]

    # --8<-- [start:constraint]
    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(status=Status.DRAFT) | models.Q(published_at__isnull=False)
                ),
                name="alternatives_published_article_has_a_date",
                violation_error_message="A published article needs a date.",
            ),
        )

    # --8<-- [end:constraint]


# --8<-- [end:article]


# --8<-- [start:lifecycle]
class LifecycleArticle(LifecycleModelMixin, ArticleFields):
    # A method can carry several hooks: one for a new article saved as
    # published, one for a saved article whose status changes to published.
    @hook(BEFORE_CREATE, condition=WhenFieldValueIs("status", Status.PUBLISHED))
    @hook(BEFORE_UPDATE, condition=WhenFieldValueChangesTo("status", Status.PUBLISHED))
    def set_published_at(self):
        self.published_at = timezone.now()

    @hook(
        AFTER_CREATE,
        condition=WhenFieldValueIs("status", Status.PUBLISHED),
        on_commit=True,
    )
    @hook(
        AFTER_UPDATE,
        condition=WhenFieldValueChangesTo("status", Status.PUBLISHED),
        on_commit=True,
    )
    def announce(self):
        log_publication(self)


# --8<-- [end:lifecycle]


# --8<-- [start:field_tracker]
class TrackedArticle(ArticleFields):
    tracker = FieldTracker(fields=["status"])

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        publishing = (
            self.tracker.has_changed("status")  # False for a deferred status
            and self.status == Status.PUBLISHED
            and (update_fields is None or "status" in update_fields)
        )
        if publishing:
            self.published_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "published_at"}
        super().save(**kwargs)
        if publishing:
            transaction.on_commit(partial(log_publication, self))


# --8<-- [end:field_tracker]


# --8<-- [start:dirtyfields]
class DirtyArticle(DirtyFieldsMixin, ArticleFields):
    FIELDS_TO_CHECK = ("status",)  # compare only what the rule needs

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        publishing = (
            "status" in self.get_dirty_fields()
            and self.status == Status.PUBLISHED
            and (update_fields is None or "status" in update_fields)
        )
        if publishing:
            self.published_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "published_at"}
        super().save(**kwargs)
        if publishing:
            transaction.on_commit(partial(log_publication, self))


# --8<-- [end:dirtyfields]


# --8<-- [start:trigger]
# Run by PostgreSQL itself before the row is written: NEW is the row.
SET_PUBLISHED_AT = "NEW.published_at = now(); RETURN NEW;"


class TriggeredArticle(ArticleFields):
    """The date is set by PostgreSQL, whichever statement publishes.

    django-pgtrigger installs the triggers with a migration, on PostgreSQL
    only: on any other database this model has no trigger at all.
    """

    class Meta:
        triggers = (
            pgtrigger.Trigger(
                name="published_on_insert",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                condition=pgtrigger.Q(new__status=Status.PUBLISHED),
                func=SET_PUBLISHED_AT,
            ),
            pgtrigger.Trigger(
                name="published_on_update",
                when=pgtrigger.Before,
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(new__status=Status.PUBLISHED)
                & ~pgtrigger.Q(old__status=Status.PUBLISHED),
                func=SET_PUBLISHED_AT,
            ),
        )


# --8<-- [end:trigger]
