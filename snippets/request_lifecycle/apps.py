from django.apps import AppConfig


class RequestLifecycleConfig(AppConfig):
    name = "request_lifecycle"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
