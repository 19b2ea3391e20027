from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "invoicing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        # handlers.py is not imported here, so its receiver never runs.
        from . import signals  # noqa: F401
