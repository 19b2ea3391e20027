from django.apps import AppConfig


class CelerySetupConfig(AppConfig):
    """Holds the project's Celery app (celery.py), which Django never imports:
    Celery is loaded only by the code that sends or runs a task."""

    name = "celery_setup"
