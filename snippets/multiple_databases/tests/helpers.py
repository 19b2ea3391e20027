"""What the tests share: the databases, recorded(), swapped() and what they read."""

from contextlib import contextmanager

from ..models import AuditEntry, Tag
from ..signals import DEFAULT_TAGS

# A TestCase may use only "default" unless it names the other databases.
DATABASES = {"default", "other"}
LOGGER = "multiple_databases.signals"
OTHER_ROUTER = "multiple_databases.routers.OtherDatabaseRouter"


@contextmanager
def recorded(signal, sender=None):
    """Collect the keyword arguments of every send of `signal` in the block.

    Each item is a dict of everything the receivers got, `signal` and
    `sender` included, so a test can compare it whole.
    """
    sent = []

    def record(**kwargs):
        sent.append(kwargs)

    # weak=False: nothing else holds this local function.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield sent
    finally:
        signal.disconnect(record, sender=sender)


# --8<-- [start:swapped]
@contextmanager
def swapped(signal, fixed, wrong, sender):
    """Connect a receiver from broken.py in place of its fixed version."""
    uid = f"multiple_databases.{fixed.__name__}"
    if not signal.disconnect(sender=sender, dispatch_uid=uid):
        # Else the finally clause would connect it, and hide that it was not.
        raise LookupError(f"{uid} is not connected: nothing to swap")
    signal.connect(wrong, sender=sender, weak=False)
    try:
        yield
    finally:
        signal.disconnect(wrong, sender=sender)
        signal.connect(fixed, sender=sender, dispatch_uid=uid)


# --8<-- [end:swapped]


def history(using):
    return list(AuditEntry.objects.using(using).values_list("action", "detail"))


def messages(logs):
    return [record.getMessage() for record in logs.records]


def default_tags(using):
    tags = Tag.objects.using(using).filter(name__in=DEFAULT_TAGS)
    return sorted(tags.values_list("name", flat=True))
