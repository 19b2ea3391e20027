from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
