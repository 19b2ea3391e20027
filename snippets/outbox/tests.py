import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from contextlib import closing, contextmanager
from io import StringIO
from pathlib import Path
from unittest import mock

import django
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db.models.signals import post_save
from django.test import (
    SimpleTestCase,
    TestCase,
    TransactionTestCase,
    modify_settings,
    override_settings,
    skipIfDBFeature,
    skipUnlessDBFeature,
)
from django.test.utils import CaptureQueriesContext
from django_tasks_db import DatabaseBackend

from . import warehouse
from .antipatterns import notify_warehouse_on_commit
from .models import Order, OutboxMessage, Shipment
from .relay import relay_one, relay_outbox, send_to_warehouse
from .services import place_order
from .signals import queue_shares_transaction
from .tasks import send_confirmation

try:  # Django 6.0 and later
    from django.tasks import default_task_backend, task_backends

    TASKS_PACKAGE = "django.tasks"
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import default_task_backend, task_backends

    TASKS_PACKAGE = "django_tasks"

IMMEDIATE = {
    "default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}
}
DUMMY = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# django-tasks-db, and on Django 5.2 the backport it builds on.
QUEUE_APPS = [*(["django_tasks"] if django.VERSION < (6, 0) else []), "django_tasks_db"]


class Declined(Exception):
    pass


def place_and_roll_back(number):
    try:
        with transaction.atomic():
            place_order(number, "ada@example.com")
            raise Declined
    except Declined:
        pass


def shipped():
    return list(Shipment.objects.order_by("pk").values_list("order_number", flat=True))


def pending():
    return OutboxMessage.objects.filter(sent_at=None)


def confirmations():
    return [m.subject for m in mail.outbox if m.subject.endswith(" confirmed")]


@contextmanager
def connected(receiver):
    """Connect a demonstration receiver for one test only."""
    post_save.connect(receiver, sender=Order)
    try:
        yield
    finally:
        post_save.disconnect(receiver, sender=Order)


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


class ModelTests(SimpleTestCase):
    def test_each_row_reads_well_in_the_admin(self):
        self.assertEqual(str(Order(number="A-1")), "Order A-1")
        self.assertEqual(
            str(OutboxMessage(pk=7, topic="order.placed")), "order.placed #7"
        )
        self.assertEqual(str(Shipment(order_number="A-1")), "Shipment for A-1")


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


def with_database_queue(test_class):
    """Use django-tasks-db for these tests. In a project that does not have it
    installed, install its apps for them (setUpClass creates its table)."""
    missing = [app for app in QUEUE_APPS if not apps.is_installed(app)]
    if missing:
        test_class = modify_settings(INSTALLED_APPS={"append": missing})(test_class)
    return override_settings(TASKS=DATABASE_QUEUE)(test_class)


@with_database_queue
class DatabaseQueueTests(TransactionTestCase):
    """The queue is a table in the same database: the task is a row, written
    in the order's transaction. No on_commit() needed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tasks = apps.get_model("django_tasks_database", "DBTaskResult")
        if cls.tasks._meta.db_table not in connection.introspection.table_names():
            call_command("migrate", "django_tasks_database", verbosity=0)

    def test_a_committed_order_leaves_exactly_one_task_row(self):
        order = place_order("A-1", "ada@example.com")

        task_row = self.tasks.objects.get()
        self.assertEqual(task_row.task_path, "outbox.tasks.send_confirmation")
        self.assertEqual(task_row.args_kwargs, {"args": [order.pk], "kwargs": {}})
        self.assertEqual(task_row.status, "READY")
        self.assertEqual(confirmations(), [])  # queued; a worker sends it

    def test_the_row_is_written_before_the_commit_and_rolls_back_with_it(self):
        try:
            with transaction.atomic():
                place_order("A-1", "ada@example.com")
                self.assertEqual(self.tasks.objects.count(), 1)
                raise Declined
        except Declined:
            pass

        self.assertFalse(Order.objects.exists())
        self.assertFalse(self.tasks.objects.exists())

    def test_no_on_commit_callback_is_involved(self):
        with mock.patch.object(transaction, "on_commit") as on_commit:
            place_order("A-1", "ada@example.com")

        on_commit.assert_not_called()
        self.assertEqual(self.tasks.objects.count(), 1)

    def test_outside_atomic_the_order_commits_without_its_task(self):
        with (
            mock.patch.object(DatabaseBackend, "enqueue", side_effect=OperationalError),
            self.assertRaises(OperationalError),
            self.assertLogs("outbox.signals", "WARNING"),
        ):
            Order.objects.create(number="A-1", email="ada@example.com")

        self.assertTrue(Order.objects.exists())
        self.assertFalse(self.tasks.objects.exists())

    def test_the_receiver_logs_what_it_queued(self):
        with self.assertLogs("outbox.signals", "INFO") as logs:
            place_order("A-1", "ada@example.com")

        self.assertIn(
            "Confirmation for order A-1 queued", [r.getMessage() for r in logs.records]
        )


class QueueElsewhereTests(TestCase):
    """A queue outside the transaction gets the task after the commit."""

    @override_settings(TASKS=DUMMY)
    def test_the_task_is_enqueued_only_when_the_order_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            order = place_order("A-1", "ada@example.com")

        self.assertEqual(default_task_backend.results, [])
        for callback in callbacks:  # what a real COMMIT would run
            callback()
        [result] = default_task_backend.results
        self.assertEqual(result.args, [order.pk])

    @override_settings(TASKS=DUMMY)
    def test_a_rolled_back_order_enqueues_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            place_and_roll_back("A-1")

        self.assertEqual(default_task_backend.results, [])

    @override_settings(TASKS=IMMEDIATE)
    def test_a_backend_that_runs_tasks_at_once_waits_for_the_commit_too(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            place_order("A-1", "ada@example.com")

        self.assertEqual(confirmations(), [])  # not from inside the transaction
        for callback in callbacks:
            callback()
        self.assertEqual(confirmations(), ["Order A-1 confirmed"])

    @override_settings(TASKS=IMMEDIATE)
    def test_the_receiver_logs_that_it_waits(self):
        with self.assertLogs("outbox.signals", "INFO") as logs:
            place_order("A-1", "ada@example.com")

        self.assertIn(
            "Confirmation for order A-1 queued for after commit",
            [r.getMessage() for r in logs.records],
        )

    @override_settings(TASKS=DUMMY)
    def test_only_a_new_order_is_queued_a_confirmation(self):
        with self.captureOnCommitCallbacks(execute=True):
            order = place_order("A-1", "ada@example.com")
            order.email = "grace@example.com"
            order.save()  # an update
            post_save.send(  # what loaddata sends for a fixture's order
                sender=Order,
                instance=Order(number="OLD-1", email="ada@example.com"),
                created=True,
                raw=True,
                using="default",
                update_fields=None,
            )

        self.assertEqual([r.args for r in default_task_backend.results], [[order.pk]])


@override_settings(TASKS=DUMMY)
class QueueDownTests(TransactionTestCase):
    """The queue fails after the commit: the order stays, the error is logged."""

    def test_a_failed_enqueue_is_logged_and_does_not_reach_the_caller(self):
        backend = type(task_backends["default"])
        with (
            mock.patch.object(
                backend, "enqueue", side_effect=ConnectionError("broker down")
            ),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
        ):
            place_order("A-1", "ada@example.com")  # raises nothing

        self.assertTrue(Order.objects.filter(number="A-1").exists())
        [record] = logs.records
        self.assertIn("on_commit()", record.getMessage())
        self.assertIsInstance(record.exc_info[1], ConnectionError)


class QueueRouter:
    """Sends the task table to another database."""

    def db_for_write(self, model, **hints):
        if model._meta.app_label == "django_tasks_database":
            return "queue"
        return None


@with_database_queue
class SharesTransactionTests(SimpleTestCase):
    def test_a_database_queue_in_the_same_database_shares_it(self):
        self.assertIs(queue_shares_transaction(send_confirmation, "default"), True)

    def test_it_compares_database_aliases_by_value(self):
        # An alias built at run time (from an environment variable, say) is
        # an equal string, but not the same object as the one in settings.
        alias = "".join(["de", "fault"])
        self.assertIsNot(alias, "default")

        self.assertIs(queue_shares_transaction(send_confirmation, alias), True)

    def test_but_not_a_transaction_in_another_database(self):
        self.assertIs(queue_shares_transaction(send_confirmation, "queue"), False)

    @override_settings(DATABASE_ROUTERS=[f"{__name__}.QueueRouter"])
    def test_nor_a_queue_routed_to_another_database(self):
        self.assertIs(queue_shares_transaction(send_confirmation, "default"), False)

    @override_settings(TASKS=IMMEDIATE)
    def test_a_backend_that_is_not_a_table_never_does(self):
        self.assertIs(queue_shares_transaction(send_confirmation, "default"), False)


@override_settings(TASKS=IMMEDIATE)
class SendConfirmationTests(TestCase):
    def test_it_sends_one_confirmation_even_if_it_runs_twice(self):
        with self.captureOnCommitCallbacks(execute=False):
            order = place_order("A-1", "ada@example.com")

        self.assertIs(send_confirmation.call(order.pk), True)
        self.assertIs(send_confirmation.call(order.pk), False)
        self.assertEqual(confirmations(), ["Order A-1 confirmed"])
        self.assertEqual(mail.outbox[0].to, ["ada@example.com"])
        order.refresh_from_db()
        self.assertIsNotNone(order.confirmation_sent_at)

    def test_it_skips_an_order_deleted_in_the_meantime(self):
        with self.captureOnCommitCallbacks(execute=False):
            order = place_order("A-1", "ada@example.com")
        order_id = order.pk
        order.delete()

        self.assertIs(send_confirmation.call(order_id), False)
        self.assertEqual(confirmations(), [])


PROCESS_SETTINGS = """\
import os

import django

from {base} import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, *(a for a in {apps!r} if a not in INSTALLED_APPS)]
DATABASES = {{
    "default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["TEST_DB"]}}
}}
DATABASE_ROUTERS = []
TASKS = {{"default": {{"BACKEND": "django_tasks_db.DatabaseBackend"}}}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"  # no mail leaves
if django.VERSION >= (6, 1):
    MAILERS = {{"default": {{"BACKEND": LOCMEM}}}}
else:
    EMAIL_BACKEND = LOCMEM
"""

MIGRATE = """\
import django
from django.core.management import call_command

django.setup()
call_command("migrate", verbosity=0)
"""

CRASHED = 70  # the exit status of the process that "dies"

# --8<-- [start:crash_script]
CRASH_AFTER_COMMIT = f"""\
import os

import django
from django.db import transaction
from django.db.models.signals import post_save

django.setup()

from outbox.antipatterns import notify_warehouse_on_commit
from outbox.models import Order
from outbox.services import place_order

post_save.connect(notify_warehouse_on_commit, sender=Order)
with transaction.atomic():
    # The first callback after COMMIT ends the process, as a crash would.
    transaction.on_commit(lambda: os._exit({CRASHED}))
    place_order("A-1", "ada@example.com")
"""
# --8<-- [end:crash_script]

PLACE_ORDER = """\
import django

django.setup()

from outbox.services import place_order

place_order("A-1", "ada@example.com")
"""

WORKER = ["db_worker", "--batch", "--no-startup-delay", "--no-reload"]


class ProcessTests(SimpleTestCase):
    """Real processes, on a SQLite file that all of them can open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.migrated = cls.folder / "migrated.sqlite3"
        (cls.folder / "process_settings.py").write_text(
            PROCESS_SETTINGS.format(base=settings.SETTINGS_MODULE, apps=QUEUE_APPS)
        )
        cls.run_python("-c", MIGRATE, db=cls.migrated)

    def setUp(self):
        self.db = self.folder / f"{self._testMethodName}.sqlite3"
        shutil.copy(self.migrated, self.db)

    @classmethod
    def run_python(cls, *args, db, status=0):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "process_settings",
            "PYTHONPATH": os.pathsep.join([str(cls.folder), *sys.path]),
            "TEST_DB": str(db),  # each test works on its own copy
        }
        result = subprocess.run(
            [sys.executable, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == status, result.stderr
        return result.stdout

    def query(self, sql):
        with closing(sqlite3.connect(self.db, timeout=10)) as db, db:
            return db.execute(sql).fetchall()

    # --8<-- [start:crash_test]
    def test_a_crash_after_commit_loses_the_callback_but_not_the_rows(self):
        self.run_python("-c", CRASH_AFTER_COMMIT, db=self.db, status=CRASHED)

        self.assertEqual(self.query("SELECT number FROM outbox_order"), [("A-1",)])
        # The on_commit() callback never ran: the warehouse heard nothing.
        self.assertEqual(self.query("SELECT * FROM outbox_shipment"), [])
        # The outbox message and the task committed with the order.
        self.assertEqual(
            self.query("SELECT sent_at FROM outbox_outboxmessage"), [(None,)]
        )
        self.assertEqual(
            self.query("SELECT status FROM django_tasks_database_dbtaskresult"),
            [("READY",)],
        )

        # After the restart, the relay and the worker pick up where it died.
        output = self.run_python("-m", "django", "relay_outbox", db=self.db)
        self.assertEqual(output, "Sent 1 message(s); 0 pending.\n")
        self.assertEqual(
            self.query("SELECT order_number FROM outbox_shipment"), [("A-1",)]
        )
        self.run_python("-m", "django", *WORKER, db=self.db)
        self.assertEqual(
            self.query("SELECT status FROM django_tasks_database_dbtaskresult"),
            [("SUCCESSFUL",)],
        )
        [(sent_at,)] = self.query("SELECT confirmation_sent_at FROM outbox_order")
        self.assertIsNotNone(sent_at)

    # --8<-- [end:crash_test]

    def test_a_task_whose_worker_died_is_not_run_again_until_you_reset_it(self):
        self.run_python("-c", PLACE_ORDER, db=self.db)
        # A worker claimed the task, sent the email, and died before it could
        # record the result.
        self.query("UPDATE django_tasks_database_dbtaskresult SET status = 'RUNNING'")
        self.query("UPDATE outbox_order SET confirmation_sent_at = CURRENT_TIMESTAMP")

        self.run_python("-m", "django", *WORKER, db=self.db)
        self.assertEqual(self.task_rows(), [("RUNNING", None)])  # left alone

        # Recovery is up to you: here, set it back to READY.
        self.query("UPDATE django_tasks_database_dbtaskresult SET status = 'READY'")
        self.run_python("-m", "django", *WORKER, db=self.db)
        # It ran again, found the email sent, and returned False.
        self.assertEqual(self.task_rows(), [("SUCCESSFUL", "false")])

    def task_rows(self):
        return self.query(
            "SELECT status, return_value FROM django_tasks_database_dbtaskresult"
        )
