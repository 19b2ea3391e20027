import logging

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router

logger = logging.getLogger(__name__)

DEFAULT_GROUPS = ("Catalogue editors", "Support agents")


def create_default_groups(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """Create the groups every deployment needs; running it again adds nothing.

    Connected in DefaultGroupsConfig.ready(). `apps` is the project state the
    migrations left; `flush` sends post_migrate without it.
    """
    try:
        Group = apps.get_model("auth", "Group")
    except LookupError:
        return  # auth is not installed, or migrated to zero
    if not router.allow_migrate_model(using, Group):
        return  # a router keeps auth's tables in another database
    created = [
        name
        for name in DEFAULT_GROUPS
        if Group.objects.using(using).get_or_create(name=name)[1]
    ]
    logger.info(
        "Default groups: %d created, %d already there",
        len(created),
        len(DEFAULT_GROUPS) - len(created),
    )
