"""A receiver that shows the gap on_commit() leaves.

Nothing connects it for good: the tests connect it for a moment and
disconnect it afterwards.
"""

import uuid

from django.db import transaction

from . import warehouse


def notify_warehouse_on_commit(sender, instance, created, raw, using, **kwargs):
    """Tell the warehouse after the commit. At most once: until the callback
    runs, the message exists only in this process's memory."""
    if not created or raw:
        return
    key, payload = str(uuid.uuid4()), {"order": instance.number}
    transaction.on_commit(
        lambda: warehouse.receive(key, payload), using=using, robust=True
    )
