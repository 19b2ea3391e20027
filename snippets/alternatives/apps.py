from django.apps import AppConfig


class AlternativesConfig(AppConfig):
    name = "alternatives"
    default_auto_field = "django.db.models.BigAutoField"
    # No ready(): nothing here is a signal receiver. Each version of the
    # example lives in its model or in services.py.
