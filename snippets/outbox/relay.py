import logging

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from . import warehouse
from .models import OutboxMessage

logger = logging.getLogger(__name__)


def send_to_warehouse(message):
    """The transport. In a real project: an HTTP POST or a broker publish,
    with the message's key as the idempotency key."""
    warehouse.receive(str(message.key), message.payload)


def relay_outbox(send=send_to_warehouse, *, limit=100, using=DEFAULT_DB_ALIAS):
    """Deliver pending messages, oldest first. Return how many were sent.

    Stops at the first failure, so that no message overtakes an earlier one;
    the failed message is tried again on the next run.
    """
    sent = 0
    while sent < limit and relay_one(send, using):
        sent += 1
    return sent


def relay_one(send, using):
    """Lock, send and mark the oldest pending message, in one transaction.

    True if a message was sent; False if none is pending or sending failed.
    """
    with transaction.atomic(using=using):
        message = (
            OutboxMessage.objects.using(using)
            .filter(sent_at=None)
            .order_by("pk")
            # Another relay skips this row instead of sending it too. SQLite
            # has no row locks: Django leaves the clause out there.
            .select_for_update(skip_locked=True)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            send(message)
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"
            message.save(update_fields=["attempts", "last_error"])
            logger.warning(
                "Outbox message %s not delivered (attempt %s): %s",
                message.pk,
                message.attempts,
                message.last_error,
            )
            return False
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "sent_at"])
    logger.info("Outbox message %s delivered", message.pk)
    return True
