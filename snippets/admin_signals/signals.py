import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Ticket

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Ticket, dispatch_uid="admin_signals.log_ticket_saved")
def log_ticket_saved(sender, instance, created, using, **kwargs):
    # Read everything now; the line is written once the save is committed.
    facts = (instance.pk, "created" if created else "saved", instance.status)
    transaction.on_commit(
        lambda: logger.info("ticket %s %s, status %s", *facts), using=using
    )


@receiver(post_delete, sender=Ticket, dispatch_uid="admin_signals.log_ticket_deleted")
def log_ticket_deleted(sender, instance, using, **kwargs):
    pk = instance.pk  # Django sets it to None once the delete is done
    transaction.on_commit(lambda: logger.info("ticket %s deleted", pk), using=using)
