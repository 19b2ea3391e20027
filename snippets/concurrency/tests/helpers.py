"""What the concurrency tests share: a lamp, its stored row, the SQL a block runs."""

from contextlib import contextmanager
from decimal import Decimal

from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from ..models import Product

LOGGER = "concurrency.signals"


@contextmanager
def connected(signal, receiver, sender):
    """Connect a receiver for one block only."""
    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)


@contextmanager
def replaced(receiver, by, sender):
    """Swap one of the app's post_save receivers for another, for one block."""
    uid = f"concurrency.{receiver.__name__}"
    post_save.disconnect(sender=sender, dispatch_uid=uid)
    try:
        with connected(post_save, by, sender):
            yield
    finally:
        post_save.connect(receiver, sender=sender, dispatch_uid=uid)


@contextmanager
def statements():
    """The kind of each SQL statement a block runs, savepoints left out."""
    kinds = []
    with CaptureQueriesContext(connection) as queries:
        yield kinds
    savepoints = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")
    kinds.extend(
        query["sql"].split()[0]
        for query in queries
        if not query["sql"].startswith(savepoints)
    )


def stored(*fields):
    return Product.objects.values_list(*fields).get()


def lamp(**values):
    return Product.objects.create(
        **{"name": "Desk lamp", "price": Decimal("20.00"), "stock": 10, **values}
    )
