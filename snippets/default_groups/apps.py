from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DefaultGroupsConfig(AppConfig):
    name = "default_groups"

    def ready(self):
        from . import signals

        # sender=self: run once per migrate, not once for every installed app.
        post_migrate.connect(
            signals.create_default_groups,
            sender=self,
            dispatch_uid="default_groups.create_default_groups",
        )
