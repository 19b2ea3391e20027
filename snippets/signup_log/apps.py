from django.apps import AppConfig


class SignupLogConfig(AppConfig):
    name = "signup_log"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
