from django.apps import AppConfig


class RequestLogConfig(AppConfig):
    name = "request_log"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
