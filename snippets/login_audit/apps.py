from django.apps import AppConfig


class LoginAuditConfig(AppConfig):
    name = "login_audit"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals  # noqa: F401
