from django.apps import AppConfig


class InheritedSendersConfig(AppConfig):
    name = "inherited_senders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        # Every model is registered by now, so the audit can find its senders.
        signals.connect_audit_receivers()
