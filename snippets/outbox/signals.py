import logging

from django.db import router, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tasks_db import DatabaseBackend

from .models import Order, OutboxMessage
from .tasks import send_confirmation

logger = logging.getLogger(__name__)


# --8<-- [start:write_outbox_message]
@receiver(post_save, sender=Order, dispatch_uid="outbox.write_outbox_message")
def write_outbox_message(sender, instance, created, raw, using, **kwargs):
    """Record "order placed" for the warehouse, in the order's transaction.

    No on_commit(): the message is a row like the order, so it commits or
    rolls back with it. relay_outbox() delivers it afterwards.
    """
    if not created or raw:
        return
    if not transaction.get_connection(using).in_atomic_block:
        # Autocommit: the order is already committed, on its own.
        logger.warning(
            "Order %s was committed before its outbox message: "
            "save orders inside transaction.atomic()",
            instance.number,
        )
    message = OutboxMessage.objects.using(using).create(
        topic="order.placed", payload={"order": instance.number}
    )
    logger.info("Outbox message %s written for order %s", message.pk, instance.number)


# --8<-- [end:write_outbox_message]


# --8<-- [start:queue_confirmation]
@receiver(post_save, sender=Order, dispatch_uid="outbox.queue_confirmation")
def queue_confirmation(sender, instance, created, raw, using, **kwargs):
    """Queue the confirmation email: inside the transaction when the queue is
    a table in the same database, after the commit when it is anywhere else.
    """
    if not created or raw:
        return
    order_id = instance.pk  # only JSON goes to the queue: the primary key
    if queue_shares_transaction(send_confirmation, using):
        # The task is a row in this transaction: it commits or rolls back
        # with the order, like an outbox message.
        send_confirmation.enqueue(order_id)
        logger.info("Confirmation for order %s queued", instance.number)
    else:
        # A broker, a queue in another database, or a backend that runs
        # tasks at once is not part of this transaction: wait for the commit.
        transaction.on_commit(
            lambda: send_confirmation.enqueue(order_id), using=using, robust=True
        )
        logger.info(
            "Confirmation for order %s queued for after commit", instance.number
        )


def queue_shares_transaction(task, using):
    """True if enqueueing `task` writes a row to database `using`."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult  # only once it is installed

    return router.db_for_write(DBTaskResult) == using


# --8<-- [end:queue_confirmation]
