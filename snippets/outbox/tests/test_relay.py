"""The relay delivers pending messages in order, again after a failure, and once."""

import threading
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test import (
    TestCase,
    TransactionTestCase,
    override_settings,
    skipIfDBFeature,
    skipUnlessDBFeature,
)
from django.test.utils import CaptureQueriesContext

from .. import warehouse
from ..models import OutboxMessage, Shipment
from ..relay import relay_one, relay_outbox, send_to_warehouse
from ..services import place_order
from .helpers import IMMEDIATE, pending, shipped


class FailingSender:
    """A transport that fails its first `failures` calls, then delivers."""

    def __init__(self, failures):
        self.failures, self.calls = failures, []

    def __call__(self, message):
        self.calls.append(message.payload["order"])
        if len(self.calls) <= self.failures:
            raise ConnectionError("warehouse unreachable")
        send_to_warehouse(message)


@override_settings(TASKS=IMMEDIATE)
class RelayTests(TestCase):
    def setUp(self):
        for number in ("A-1", "A-2", "A-3"):
            place_order(number, "ada@example.com")

    def test_it_delivers_pending_messages_oldest_first_and_marks_them(self):
        self.assertEqual(relay_outbox(), 3)

        self.assertEqual(shipped(), ["A-1", "A-2", "A-3"])
        self.assertFalse(pending().exists())
        self.assertEqual(
            set(OutboxMessage.objects.values_list("attempts", flat=True)), {1}
        )
        self.assertEqual(relay_outbox(), 0)  # nothing left to send

    def test_a_failed_delivery_is_kept_and_tried_again_next_run(self):
        send = FailingSender(failures=1)
        with self.assertLogs("outbox.relay", "WARNING") as logs:
            self.assertEqual(relay_outbox(send), 0)

        first = OutboxMessage.objects.first()
        self.assertEqual(first.attempts, 1)
        self.assertEqual(first.last_error, "ConnectionError: warehouse unreachable")
        self.assertIn("not delivered (attempt 1)", logs.records[0].getMessage())
        self.assertEqual(send.calls, ["A-1"])  # A-2 did not overtake A-1
        self.assertEqual(shipped(), [])

        self.assertEqual(relay_outbox(send), 3)  # the next run, from cron
        self.assertEqual(send.calls, ["A-1", "A-1", "A-2", "A-3"])
        self.assertEqual(shipped(), ["A-1", "A-2", "A-3"])
        first.refresh_from_db()
        self.assertEqual(first.attempts, 2)
        self.assertIsNotNone(first.sent_at)

    def test_a_lost_reply_means_a_second_delivery_which_the_warehouse_ignores(self):
        calls = []

        def deliver_then_lose_the_reply(message):
            # The warehouse gets the message; the first reply never comes back.
            send_to_warehouse(message)
            calls.append(message.payload["order"])
            if len(calls) == 1:
                raise TimeoutError("no reply")

        with self.assertLogs("outbox.relay", "WARNING"):
            self.assertEqual(relay_outbox(deliver_then_lose_the_reply), 0)
        self.assertEqual(shipped(), ["A-1"])  # it did arrive
        self.assertEqual(pending().count(), 3)  # but the relay cannot know

        with self.assertLogs("outbox.warehouse", "INFO") as logs:
            self.assertEqual(relay_outbox(deliver_then_lose_the_reply), 3)

        self.assertEqual(calls, ["A-1", "A-1", "A-2", "A-3"])  # A-1 sent twice
        self.assertEqual(shipped(), ["A-1", "A-2", "A-3"])  # and shipped once
        self.assertIn("arrived again; ignored", logs.records[0].getMessage())

    def test_limit_caps_one_run(self):
        self.assertEqual(relay_outbox(limit=2), 2)

        self.assertEqual(shipped(), ["A-1", "A-2"])
        self.assertEqual(pending().count(), 1)

    def test_the_management_command_relays_and_reports(self):
        out = StringIO()
        call_command("relay_outbox", "--limit", "1", stdout=out)
        call_command("relay_outbox", stdout=out)

        self.assertEqual(
            out.getvalue().splitlines(),
            ["Sent 1 message(s); 2 pending.", "Sent 2 message(s); 0 pending."],
        )
        self.assertEqual(shipped(), ["A-1", "A-2", "A-3"])

    @skipIfDBFeature("has_select_for_update")
    def test_sqlite_has_no_row_locks_so_django_leaves_for_update_out(self):
        with CaptureQueriesContext(connection) as queries:
            relay_one(send_to_warehouse, "default")

        select = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
        self.assertIn("outbox_outboxmessage", select)
        self.assertNotIn("FOR UPDATE", select)

    @skipUnlessDBFeature("has_select_for_update_skip_locked")
    def test_elsewhere_the_relay_skips_rows_another_relay_has_locked(self):
        with CaptureQueriesContext(connection) as queries:
            relay_one(send_to_warehouse, "default")

        select = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
        self.assertIn("FOR UPDATE SKIP LOCKED", select)

    @skipIfDBFeature("has_select_for_update")
    def test_on_a_database_with_row_locks_the_relay_asks_to_skip_locked_rows(self):
        # On SQLite: tell Django this database has row locks, and look at
        # the query it builds. SQLite cannot run it.
        with (
            mock.patch.multiple(
                connection.features,
                has_select_for_update=True,
                has_select_for_update_skip_locked=True,
            ),
            CaptureQueriesContext(connection) as queries,
            self.assertRaises(OperationalError),
        ):
            relay_one(send_to_warehouse, "default")

        select = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
        self.assertTrue(select.endswith("FOR UPDATE SKIP LOCKED"), select)

    def test_limit_and_using_are_passed_by_name(self):
        with self.assertRaises(TypeError):
            relay_outbox(send_to_warehouse, 1)

    def test_a_limit_below_one_sends_nothing(self):
        self.assertEqual(relay_outbox(limit=0), 0)
        self.assertEqual(relay_outbox(limit=-1), 0)

        self.assertEqual(pending().count(), 3)


@skipUnlessDBFeature("has_select_for_update_skip_locked")
class ConcurrentRelayTests(TransactionTestCase):
    """Two relays at once, each with its own connection, as two processes
    running `relay_outbox` would be. Only where rows can be locked."""

    def test_a_relay_skips_the_message_another_relay_is_sending(self):
        for number in ("A-1", "A-2"):
            place_order(number, "ada@example.com")
        locked, done = threading.Event(), threading.Event()

        def the_other_relay():  # holds A-1's row, as if it were sending it
            try:
                with transaction.atomic():
                    pending().order_by("pk").select_for_update().first()
                    locked.set()
                    done.wait(timeout=10)
            finally:
                connection.close()

        other = threading.Thread(target=the_other_relay)
        other.start()
        try:
            self.assertTrue(locked.wait(timeout=10))
            self.assertIs(relay_one(send_to_warehouse, "default"), True)
        finally:
            done.set()
            other.join()

        self.assertEqual(shipped(), ["A-2"])  # not A-1: no wait, no double send


class RelayBacklogTests(TestCase):
    """A backlog longer than one run: the warehouse was down for a while."""

    def make_backlog(self, count):
        OutboxMessage.objects.bulk_create(
            OutboxMessage(topic="order.placed", payload={"order": f"A-{n}"})
            for n in range(1, count + 1)
        )

    def test_one_run_sends_at_most_100_messages_by_default(self):
        self.make_backlog(101)
        sent = []

        self.assertEqual(relay_outbox(send=sent.append), 100)
        self.assertEqual(pending().count(), 1)

    def test_the_management_command_sends_at_most_100_by_default(self):
        self.make_backlog(101)
        out = StringIO()
        call_command("relay_outbox", stdout=out)

        self.assertEqual(out.getvalue(), "Sent 100 message(s); 1 pending.\n")


class WarehouseTests(TestCase):
    def test_a_repeated_key_ships_once(self):
        self.assertIs(warehouse.receive("key-1", {"order": "A-1"}), True)
        self.assertIs(warehouse.receive("key-1", {"order": "A-1"}), False)

        self.assertEqual(shipped(), ["A-1"])

    def test_another_key_is_another_shipment(self):
        warehouse.receive("key-1", {"order": "A-1"})
        warehouse.receive("key-2", {"order": "A-2"})

        self.assertEqual(shipped(), ["A-1", "A-2"])

    def test_the_transport_passes_the_messages_key(self):
        message = OutboxMessage(topic="order.placed", payload={"order": "A-1"})
        send_to_warehouse(message)

        self.assertEqual(Shipment.objects.get().idempotency_key, str(message.key))
