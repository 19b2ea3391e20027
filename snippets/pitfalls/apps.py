from django.apps import AppConfig


class PitfallsConfig(AppConfig):
    name = "pitfalls"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the receivers in signals.py. Nothing imports forgotten.py
        # or twice.py: the tests do, to show what goes wrong then.
        from . import signals  # noqa: F401
