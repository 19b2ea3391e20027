import logging
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import Ticket

logger = logging.getLogger(__name__)

# --8<-- [start:signal]
# Sent by services.close_ticket() with sender=Ticket and two keyword
# arguments: ticket (the Ticket) and reason (a str).
ticket_closed = Signal()
# --8<-- [end:signal]


# --8<-- [start:receivers]
@receiver(
    post_save, sender=Ticket, dispatch_uid="signal_testing.acknowledge_new_ticket"
)
def acknowledge_new_ticket(sender, instance, created, raw, using, **kwargs):
    """Tell the reporter their ticket arrived, once it is really stored."""
    if not created or raw:
        # raw: loaddata restores old tickets; their reporters heard from us.
        return
    transaction.on_commit(
        partial(_email_reporter, instance, "We received your ticket"), using=using
    )


@receiver(ticket_closed, dispatch_uid="signal_testing.email_reporter_on_close")
def email_reporter_on_close(sender, ticket, reason, **kwargs):
    """Tell the reporter why their ticket was closed, after the commit."""
    transaction.on_commit(
        partial(_email_reporter, ticket, "Your ticket was closed", reason)
    )


def _email_reporter(ticket, what, body=""):
    # The title is user input, and a header may not contain a line break.
    title = " ".join(ticket.title.split())
    send_mail(f"{what}: {title}", body, None, [ticket.reporter_email])
    logger.info("Emailed the reporter of ticket %s", ticket.pk)


# --8<-- [end:receivers]
