from django.apps import AppConfig


class EmailBlocklistConfig(AppConfig):
    name = "email_blocklist"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
