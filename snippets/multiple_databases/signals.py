"""Receivers that follow each write to the database it went to.

Model signals carry `using`, the alias of that database: each receiver
below reads, writes and waits for the commit there.
"""

import logging
from functools import partial

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Article, AuditEntry

logger = logging.getLogger(__name__)


# --8<-- [start:history]
@receiver(
    pre_save, sender=Article, dispatch_uid="multiple_databases.remember_stored_title"
)
def remember_stored_title(sender, instance, raw, using, **kwargs):
    """Read the title the row has now, in the database about to be written."""
    if raw or instance.pk is None:
        return
    instance._stored_title = (
        sender.objects.using(using)
        .filter(pk=instance.pk)
        .values_list("title", flat=True)
        .first()
    )


@receiver(post_save, sender=Article, dispatch_uid="multiple_databases.record_save")
def record_save(sender, instance, created, raw, using, **kwargs):
    """Write a history entry next to the article, in the same database."""
    stored_title = vars(instance).pop("_stored_title", None)
    if raw:  # loaddata: the fixture brings its own history
        return
    if created:
        action, detail = "created", instance.title
    elif stored_title is not None and stored_title != instance.title:
        action, detail = "renamed", f"{stored_title} -> {instance.title}"
    else:
        action, detail = "updated", instance.title
    AuditEntry.objects.using(using).create(
        article_pk=instance.pk, action=action, detail=detail
    )


# --8<-- [end:history]


# --8<-- [start:delete_and_tags]
@receiver(post_delete, sender=Article, dispatch_uid="multiple_databases.record_delete")
def record_delete(sender, instance, using, **kwargs):
    AuditEntry.objects.using(using).create(
        article_pk=instance.pk, action="deleted", detail=instance.title
    )


@receiver(
    m2m_changed,
    sender=Article.tags.through,
    dispatch_uid="multiple_databases.record_tagging",
)
def record_tagging(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    """Record tags added to or removed from an article, from the article's side."""
    if reverse or action not in ("post_add", "post_remove"):
        return  # reverse: tag.articles.add(...), where instance is the tag
    names = (
        model.objects.using(using)
        .filter(pk__in=pk_set)
        .order_by("name")
        .values_list("name", flat=True)
    )
    AuditEntry.objects.using(using).create(
        article_pk=instance.pk,
        action="tagged" if action == "post_add" else "untagged",
        detail=", ".join(names),
    )


# --8<-- [end:delete_and_tags]


# --8<-- [start:announce]
@receiver(
    post_save, sender=Article, dispatch_uid="multiple_databases.announce_new_article"
)
def announce_new_article(sender, instance, created, raw, using, **kwargs):
    """Announce a new article once the article's own database commits it."""
    if created and not raw:
        transaction.on_commit(partial(announce, instance.pk, using), using=using)


def announce(pk, using):
    """The side effect: a log line here; a feed, an email or a task in a project."""
    article = Article.objects.using(using).filter(pk=pk).first()
    if article is None:
        logger.warning("Article %s is not in %r: nothing to announce", pk, using)
        return
    logger.info("New article on %r: %s", using, article.title)


# --8<-- [end:announce]


# --8<-- [start:default_tags]
DEFAULT_TAGS = ("news", "guides")


def create_default_tags(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """Create the tags every site needs in the database just migrated.

    Connected in MultipleDatabasesConfig.ready(), with this app as sender.
    """
    try:
        Tag = apps.get_model("multiple_databases", "Tag")
    except LookupError:
        return  # the app is migrated to zero: there is no table
    if not router.allow_migrate_model(using, Tag):
        return  # a router keeps this app's tables out of this database
    created = [
        name
        for name in DEFAULT_TAGS
        if Tag.objects.using(using).get_or_create(name=name)[1]
    ]
    logger.info("Default tags on %r: %d created", using, len(created))


# --8<-- [end:default_tags]
