"""Receivers that ignore `using`. Do not copy these.

Nothing connects them: each test swaps one in for its fixed version in
signals.py, shows what goes wrong, and swaps the fixed one back.
"""

from functools import partial

from django.apps import apps as global_apps
from django.db import transaction

from .models import AuditEntry
from .signals import DEFAULT_TAGS, announce


# --8<-- [start:record_on_default]
def record_save_on_default(sender, instance, created, raw, **kwargs):
    """Writes without `using`: the router picks the database, not the save."""
    if created and not raw:
        AuditEntry.objects.create(
            article_pk=instance.pk, action="created", detail=instance.title
        )


# --8<-- [end:record_on_default]


# --8<-- [start:announce_on_default]
def announce_on_default_commit(sender, instance, created, raw, using, **kwargs):
    """Registers the callback on the default database, not the article's."""
    if created and not raw:
        transaction.on_commit(partial(announce, instance.pk, using))


# --8<-- [end:announce_on_default]


# --8<-- [start:read_through_router]
def remember_title_through_router(sender, instance, raw, **kwargs):
    """Reads without `using`: the router may send the read to a replica."""
    if raw or instance.pk is None:
        return
    instance._stored_title = (
        sender.objects.filter(pk=instance.pk).values_list("title", flat=True).first()
    )


# --8<-- [end:read_through_router]


# --8<-- [start:tags_on_default]
def create_default_tags_on_default(sender, apps=global_apps, **kwargs):
    """Ignores `using`: whichever database is migrated, the tags go to default."""
    Tag = apps.get_model("multiple_databases", "Tag")
    for name in DEFAULT_TAGS:
        Tag.objects.get_or_create(name=name)


# --8<-- [end:tags_on_default]
