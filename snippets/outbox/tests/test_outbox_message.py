"""An outbox message is written in the order's transaction: both commit, or neither."""

from unittest import mock

from django.db import OperationalError, transaction
from django.db.models.signals import post_save
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings

from ..models import Order, OutboxMessage, Shipment
from ..services import place_order
from .helpers import IMMEDIATE, pending, place_and_roll_back


@override_settings(TASKS=IMMEDIATE)
class OutboxMessageTests(TestCase):
    """The receiver writes the message in the order's own transaction."""

    def test_the_message_is_written_inside_the_transaction(self):
        with transaction.atomic():
            order = place_order("A-1", "ada@example.com")
            message = OutboxMessage.objects.get()  # before any commit

        self.assertEqual(message.topic, "order.placed")
        self.assertEqual(message.payload, {"order": order.number})
        self.assertIsNone(message.sent_at)
        self.assertEqual(message.attempts, 0)

    def test_a_rolled_back_order_leaves_no_message(self):
        place_and_roll_back("A-1")

        self.assertFalse(Order.objects.exists())
        self.assertFalse(OutboxMessage.objects.exists())

    def test_each_message_has_its_own_key(self):
        place_order("A-1", "ada@example.com")
        place_order("A-2", "ada@example.com")

        self.assertEqual(len(set(OutboxMessage.objects.values_list("key"))), 2)

    def test_an_update_writes_no_message(self):
        order = place_order("A-1", "ada@example.com")
        order.email = "grace@example.com"
        order.save()

        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_loaddata_writes_no_message(self):
        order = Order(number="OLD-1", email="ada@example.com")
        post_save.send(
            sender=Order,
            instance=order,
            created=True,
            raw=True,
            using="default",
            update_fields=None,
        )

        self.assertFalse(OutboxMessage.objects.exists())

    def test_the_receiver_logs_the_message_it_wrote(self):
        with self.assertLogs("outbox.signals", "INFO") as logs:
            place_order("A-1", "ada@example.com")

        message = OutboxMessage.objects.get()
        self.assertIn(
            f"Outbox message {message.pk} written for order A-1",
            [r.getMessage() for r in logs.records],
        )


@override_settings(TASKS=IMMEDIATE)
class AutocommitTests(TransactionTestCase):
    """Without a transaction around the save, the order commits on its own."""

    def test_outside_atomic_the_order_commits_without_its_message(self):
        with (
            mock.patch.object(OutboxMessage, "save", side_effect=OperationalError),
            self.assertRaises(OperationalError),
            self.assertLogs("outbox.signals", "WARNING") as logs,
        ):
            Order.objects.create(number="A-1", email="ada@example.com")

        self.assertTrue(Order.objects.filter(number="A-1").exists())
        self.assertFalse(OutboxMessage.objects.exists())  # never delivered
        self.assertEqual(
            logs.records[0].getMessage(),
            "Order A-1 was committed before its outbox message: "
            "save orders inside transaction.atomic()",
        )

    def test_place_order_keeps_the_order_and_its_message_together(self):
        with (
            mock.patch.object(OutboxMessage, "save", side_effect=OperationalError),
            self.assertRaises(OperationalError),
        ):
            place_order("A-1", "ada@example.com")

        self.assertFalse(Order.objects.exists())

    def test_place_order_does_not_warn(self):
        with self.assertNoLogs("outbox.signals", "WARNING"):
            place_order("A-1", "ada@example.com")

        self.assertEqual(pending().count(), 1)


class ModelTests(SimpleTestCase):
    def test_each_row_reads_well_in_the_admin(self):
        self.assertEqual(str(Order(number="A-1")), "Order A-1")
        self.assertEqual(
            str(OutboxMessage(pk=7, topic="order.placed")), "order.placed #7"
        )
        self.assertEqual(str(Shipment(order_number="A-1")), "Shipment for A-1")
