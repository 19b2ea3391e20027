"""A receiver that shows what not to do.

Nothing connects it for good: the demo and the tests connect it for a moment
and disconnect it afterwards.
"""

from .tasks import send_receipt


# --8<-- [start:send_receipt_inline]
def send_receipt_inline(sender, instance, created, **kwargs):
    """Runs the task's function right away, inside the caller's transaction.
    If that transaction rolls back, the purchase is gone but the email has
    been sent."""
    if created:
        send_receipt.call(instance.pk)


# --8<-- [end:send_receipt_inline]
