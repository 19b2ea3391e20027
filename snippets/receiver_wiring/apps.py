from django.apps import AppConfig
from django.db.models.signals import post_delete


class ReceiverWiringConfig(AppConfig):
    name = "receiver_wiring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing the module is what connects its @receiver functions.
        from . import signals
        from .models import Magazine

        post_delete.connect(
            signals.log_magazine_deleted,
            sender=Magazine,
            dispatch_uid="receiver_wiring.log_magazine_deleted",
        )
