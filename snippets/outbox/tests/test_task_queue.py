"""A task queue instead: a row in the same database, or a queue after the commit."""

from unittest import mock

from django.apps import apps
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
)
from django_tasks_db import DatabaseBackend

from ..models import Order
from ..services import place_order
from ..signals import queue_shares_transaction
from ..tasks import send_confirmation
from .helpers import (
    IMMEDIATE,
    QUEUE_APPS,
    TASKS_PACKAGE,
    Declined,
    confirmations,
    place_and_roll_back,
)

try:  # Django 6.0 and later
    from django.tasks import default_task_backend, task_backends
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import default_task_backend, task_backends

DUMMY = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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
