import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from decimal import Decimal
from functools import partial
from pathlib import Path
from unittest import mock, skipIf, skipUnless

import django
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from . import antipatterns
from .models import AuditEntry, Purchase
from .tasks import send_receipt

try:  # Django 6.0 and later
    from django.tasks import default_task_backend
    from django.tasks.base import TaskResultStatus

    TASKS_PACKAGE = "django.tasks"
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import default_task_backend
    from django_tasks.base import TaskResultStatus

    TASKS_PACKAGE = "django_tasks"

IMMEDIATE = {
    "default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}
}
DUMMY = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"}}


class Declined(Exception):
    pass


def fail(message):
    raise ConnectionError(message)


def buy(number="P-1"):
    return Purchase.objects.create(
        number=number, email="ada@example.com", total=Decimal("30.00")
    )


def buy_and_roll_back(number="P-1"):
    try:
        with transaction.atomic():
            buy(number)
            raise Declined
    except Declined:
        pass


def receipts():
    return [m.subject for m in mail.outbox if m.subject.startswith("Receipt for ")]


@contextmanager
def connected(receiver):
    """Connect a demonstration receiver for one test only."""
    post_save.connect(receiver, sender=Purchase)
    try:
        yield
    finally:
        post_save.disconnect(receiver, sender=Purchase)


@override_settings(TASKS=IMMEDIATE)
class InsideTheTransactionTests(TestCase):
    """Receivers run inside the caller's transaction, on its connection."""

    def test_a_receivers_database_write_rolls_back_with_the_caller(self):
        buy_and_roll_back("P-1")

        self.assertFalse(Purchase.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(purchase_number="P-1").exists())

    def test_and_commits_with_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            buy("P-1")

        entry = AuditEntry.objects.get(purchase_number="P-1")
        self.assertEqual(entry.action, "created")

    def test_a_side_effect_done_inline_escapes_the_rollback(self):
        with connected(antipatterns.send_receipt_inline):
            buy_and_roll_back("P-1")

        self.assertFalse(Purchase.objects.exists())
        self.assertEqual(receipts(), ["Receipt for P-1"])

    def test_on_commit_keeps_the_receipt_until_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            buy("P-1")

        self.assertEqual(receipts(), [])  # the receiver itself sent nothing
        for callback in callbacks:  # what a real COMMIT would run
            callback()
        self.assertEqual(receipts(), ["Receipt for P-1"])

    def test_a_rollback_drops_the_queued_receipt(self):
        with self.captureOnCommitCallbacks(execute=True):
            buy_and_roll_back("P-1")

        self.assertEqual(receipts(), [])

    def test_a_rolled_back_savepoint_drops_only_its_own_callbacks(self):
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            buy("P-1")
            buy_and_roll_back("P-2")  # an inner atomic block: a savepoint

        self.assertEqual(receipts(), ["Receipt for P-1"])

    def test_loaddata_writes_no_audit_entry_and_sends_no_receipt(self):
        purchase = Purchase(number="OLD-1", email="ada@example.com", total=1)
        with self.captureOnCommitCallbacks(execute=True):
            post_save.send(
                sender=Purchase,
                instance=purchase,
                created=True,
                raw=True,
                using="default",
                update_fields=None,
            )

        self.assertFalse(AuditEntry.objects.exists())
        self.assertEqual(receipts(), [])

    def test_the_receiver_logs_what_it_queued(self):
        with self.assertLogs("order_receipts.signals", "INFO") as logs:
            buy("P-1")

        self.assertEqual(
            [r.getMessage() for r in logs.records],
            ["Receipt for purchase P-1 queued for after commit"],
        )


@override_settings(TASKS=IMMEDIATE)
class RealCommitTests(TransactionTestCase):
    """No test transaction around these: atomic() really commits."""

    def test_callbacks_run_after_the_outermost_commit_only(self):
        with transaction.atomic():
            with transaction.atomic():
                buy("P-1")
            self.assertEqual(receipts(), [])  # the savepoint was released
        self.assertEqual(receipts(), ["Receipt for P-1"])

    def test_outside_any_atomic_block_the_row_is_committed_before_receivers(self):
        def crash(sender, **kwargs):
            raise RuntimeError("bug in a receiver")

        with connected(crash), self.assertRaises(RuntimeError):
            buy("P-1")  # autocommit: no transaction for the receivers to share

        self.assertTrue(Purchase.objects.filter(number="P-1").exists())

    def test_outside_any_atomic_block_the_callback_runs_at_once(self):
        buy("P-1")  # autocommit: save() has committed before on_commit is called

        self.assertEqual(receipts(), ["Receipt for P-1"])

    def test_a_robust_callback_that_fails_is_logged_and_the_rest_still_run(self):
        ran = []
        with (
            mock.patch.object(
                type(send_receipt), "enqueue", side_effect=ConnectionError("down")
            ),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
            transaction.atomic(),
        ):
            buy("P-1")  # queue_receipt: on_commit(..., robust=True)
            transaction.on_commit(lambda: ran.append("next callback"))

        self.assertEqual(ran, ["next callback"])
        [record] = logs.records
        self.assertIn("in on_commit() during transaction (down)", record.getMessage())
        self.assertIsInstance(record.exc_info[1], ConnectionError)
        # Committed; the missing receipt can be found and sent later.
        self.assertIsNone(Purchase.objects.get(number="P-1").receipt_sent_at)

    @skipUnless(django.VERSION >= (6, 1), "Django 5.2 needs a __qualname__ to log")
    def test_a_robust_partial_that_fails_is_logged_too(self):
        with (
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
            transaction.atomic(),
        ):
            transaction.on_commit(partial(fail, "down"), robust=True)

        self.assertIsInstance(logs.records[0].exc_info[1], ConnectionError)

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 logs callbacks of any kind")
    def test_on_django_5_2_a_robust_partial_that_fails_is_not_caught(self):
        # Django 5.2 logs f"... {func.__qualname__} ...", and a partial has no
        # __qualname__: the logging itself raises, so nothing is robust.
        with (
            self.assertRaisesMessage(AttributeError, "__qualname__"),
            transaction.atomic(),
        ):
            transaction.on_commit(partial(fail, "down"), robust=True)

    def test_a_callback_that_is_not_robust_raises_after_the_commit(self):
        ran = []
        with self.assertRaises(ConnectionError), transaction.atomic():
            buy("P-1")
            transaction.on_commit(partial(fail, "down"))
            transaction.on_commit(lambda: ran.append("next callback"))

        self.assertTrue(Purchase.objects.filter(number="P-1").exists())
        self.assertEqual(ran, [])


class TasksFrameworkTests(TestCase):
    """The receipt goes through Django's tasks framework."""

    @override_settings(TASKS=IMMEDIATE)
    def test_the_immediate_backend_runs_the_task_right_after_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            purchase = buy("P-1")

        self.assertEqual(receipts(), ["Receipt for P-1"])
        self.assertEqual(mail.outbox[-1].to, ["ada@example.com"])
        purchase.refresh_from_db()
        self.assertIsNotNone(purchase.receipt_sent_at)

    @override_settings(TASKS=DUMMY)
    def test_the_dummy_backend_records_the_task_and_runs_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            purchase = buy("P-1")

        [result] = default_task_backend.results
        self.assertEqual(result.task.func, send_receipt.func)
        self.assertEqual(result.args, [purchase.pk])
        self.assertEqual(result.status, TaskResultStatus.READY)
        self.assertEqual(receipts(), [])

    @override_settings(TASKS=DUMMY)
    def test_nothing_is_enqueued_before_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            buy("P-1")

        self.assertEqual(default_task_backend.results, [])
        for callback in callbacks:
            callback()
        self.assertEqual(len(default_task_backend.results), 1)

    @override_settings(TASKS=DUMMY)
    def test_a_rollback_enqueues_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            buy_and_roll_back("P-1")

        self.assertEqual(default_task_backend.results, [])

    @override_settings(TASKS=DUMMY)
    def test_saving_the_purchase_again_queues_no_second_receipt(self):
        with self.captureOnCommitCallbacks(execute=True):
            purchase = buy("P-1")
        with self.captureOnCommitCallbacks(execute=True):
            purchase.email = "grace@example.com"
            purchase.save()

        self.assertEqual(len(default_task_backend.results), 1)

    @override_settings(TASKS=DUMMY)
    def test_arguments_must_be_json_so_pass_the_primary_key(self):
        purchase = buy("P-1")

        with self.assertRaisesMessage(TypeError, "Unsupported type"):
            send_receipt.enqueue(purchase)

    def test_the_task_sends_one_receipt_even_if_it_runs_twice(self):
        purchase = buy("P-1")

        self.assertIs(send_receipt.call(purchase.pk), True)
        self.assertIs(send_receipt.call(purchase.pk), False)
        self.assertEqual(receipts(), ["Receipt for P-1"])

    def test_the_task_skips_a_purchase_deleted_in_the_meantime(self):
        purchase = buy("P-1")
        purchase_id = purchase.pk
        purchase.delete()

        self.assertIs(send_receipt.call(purchase_id), False)
        self.assertEqual(receipts(), [])


# --8<-- [start:worker]
WORKER_SETTINGS = """\
import django

from {base} import *  # noqa: F403

DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
TASKS = {{"default": {{"BACKEND": "django_tasks_db.DatabaseBackend"}}}}
# No mail server here: the worker writes the receipt to its log instead.
CONSOLE = "django.core.mail.backends.console.EmailBackend"
if django.VERSION >= (6, 1):
    MAILERS = {{"default": {{"BACKEND": CONSOLE}}}}
else:
    EMAIL_BACKEND = CONSOLE
"""

# Poll the queue every 0.2 s, start at once, and never reload on code changes.
WORKER_OPTIONS = ["--interval", "0.2", "--no-startup-delay", "--no-reload"]

SHOP = """\
import django
from django.core.management import call_command
from django.db import transaction

django.setup()
call_command("migrate", verbosity=0)  # a new database file: create the tables

from order_receipts.models import Purchase

with transaction.atomic():
    Purchase.objects.create(number="P-42", email="ada@example.com", total=9)
"""


class DatabaseWorkerTests(SimpleTestCase):
    """A real queue: a table in a SQLite file, and db_worker in its own process.

    The test database is in memory, where no other process can see it, so
    both steps run in subprocesses against a temporary database file.
    """

    def setUp(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.db = folder / "shop.sqlite3"
        (folder / "worker_settings.py").write_text(
            WORKER_SETTINGS.format(base=settings.SETTINGS_MODULE, db=str(self.db))
        )
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "worker_settings",
            "PYTHONPATH": os.pathsep.join([str(folder), *sys.path]),
        }
        self.log = folder / "worker.log"

    def query(self, sql):
        """The first column of the first row, or None if there is no row."""
        with closing(sqlite3.connect(self.db, timeout=10)) as db:
            row = db.execute(sql).fetchone()
        return row and row[0]

    def receipt_sent_at(self):
        table = Purchase._meta.db_table
        return self.query(f"SELECT receipt_sent_at FROM {table}")

    def task_status(self):
        return self.query(f"SELECT status FROM {DBTaskResult._meta.db_table}")

    def wait_for_receipt(self, timeout):
        """Poll the database until the worker has marked the purchase."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.receipt_sent_at():
                return True
            time.sleep(0.2)
        return False

    def test_a_worker_process_sends_the_receipt_queued_on_commit(self):
        shop = subprocess.run(
            [sys.executable, "-c", SHOP],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(shop.returncode, 0, shop.stderr)
        # The purchase committed and its receiver queued the task: queued only.
        self.assertEqual((self.task_status(), self.receipt_sent_at()), ("READY", None))

        with self.log.open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "django", "db_worker", *WORKER_OPTIONS],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                done = self.wait_for_receipt(timeout=60)
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

        self.assertTrue(done, self.log.read_text())
        self.assertEqual(self.task_status(), "SUCCESSFUL")


# --8<-- [end:worker]
