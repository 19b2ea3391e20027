"""The gap: an on_commit() callback runs once, in this process, or never."""

from contextlib import contextmanager
from unittest import mock

from django.db.models.signals import post_save
from django.test import TransactionTestCase, override_settings

from .. import warehouse
from ..antipatterns import notify_warehouse_on_commit
from ..models import Order
from ..relay import relay_outbox
from ..services import place_order
from .helpers import IMMEDIATE, shipped


@contextmanager
def connected(receiver):
    """Connect a demonstration receiver for one test only."""
    post_save.connect(receiver, sender=Order)
    try:
        yield
    finally:
        post_save.disconnect(receiver, sender=Order)


@override_settings(TASKS=IMMEDIATE)
class OnCommitGapTests(TransactionTestCase):
    """on_commit() runs the callback in this process, once, after the commit."""

    def test_when_all_goes_well_the_callback_tells_the_warehouse(self):
        with connected(notify_warehouse_on_commit):
            place_order("A-1", "ada@example.com")

        self.assertEqual(shipped(), ["A-1"])

    def test_a_callback_that_fails_loses_the_message_for_good(self):
        with (
            connected(notify_warehouse_on_commit),
            mock.patch.object(
                warehouse, "receive", side_effect=ConnectionError("unreachable")
            ),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
        ):
            place_order("A-1", "ada@example.com")

        self.assertIsInstance(logs.records[0].exc_info[1], ConnectionError)
        self.assertTrue(Order.objects.filter(number="A-1").exists())
        self.assertEqual(shipped(), [])  # and nothing will try again...
        # ...except the outbox, whose message committed with the order.
        self.assertEqual(relay_outbox(), 1)
        self.assertEqual(shipped(), ["A-1"])

    def test_only_a_new_order_is_announced(self):
        with connected(notify_warehouse_on_commit):
            order = place_order("A-1", "ada@example.com")
            order.save()  # an update
            post_save.send(  # loaddata
                sender=Order,
                instance=Order(number="OLD-1"),
                created=True,
                raw=True,
                using="default",
                update_fields=None,
            )

        self.assertEqual(shipped(), ["A-1"])
