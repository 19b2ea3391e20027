from django.apps import AppConfig


class ChangeAuthorConfig(AppConfig):
    name = "change_author"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the module is what connects its receivers.
        from . import signals  # noqa: F401
