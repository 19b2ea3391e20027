from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MultipleDatabasesConfig(AppConfig):
    name = "multiple_databases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the module connects its @receiver functions.
        from . import signals

        # sender=self: once per migrate of one database, not once per app.
        post_migrate.connect(
            signals.create_default_tags,
            sender=self,
            dispatch_uid="multiple_databases.create_default_tags",
        )
