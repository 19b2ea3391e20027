from django.apps import AppConfig


class SqliteTuningConfig(AppConfig):
    name = "sqlite_tuning"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
