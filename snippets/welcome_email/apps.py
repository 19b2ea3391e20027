from django.apps import AppConfig


class WelcomeEmailConfig(AppConfig):
    name = "welcome_email"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
