"""Real transactions: a failing receiver never undoes the completion it hears of."""

import threading
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.urls import include, path, reverse

from ..models import Order
from ..services import complete_order
from ..signals import order_completed
from .helpers import Recorder, connected, fail

User = get_user_model()


def insert_duplicate(sender, order, **kwargs):
    """A receiver with a bug: its INSERT breaks a unique constraint."""
    User.objects.create(username=order.customer.username)


class StatusReader(Recorder):
    """A good receiver: it reads the order back from the database."""

    def __call__(self, sender, order, **kwargs):
        self.calls.append(Order.objects.get(pk=order.pk).status)


def atomic_requests():
    """Turn ATOMIC_REQUESTS on for the default database, for one block.

    The request handler reads it from the connection's settings, which the
    connection keeps from its creation: override_settings(DATABASES=...)
    never reaches them.
    """
    return mock.patch.dict(connection.settings_dict, ATOMIC_REQUESTS=True)


# The view tests serve the app's URLs from here, as a project would include them.
urlpatterns = [path("orders/", include("orders.urls"))]


class AtomicRequestsInTestsTests(SimpleTestCase):
    def test_override_settings_does_not_reach_the_connection(self):
        # Hence atomic_requests(), which patches the connection's settings.
        databases = {"default": {**connection.settings_dict, "ATOMIC_REQUESTS": True}}
        with (
            self.assertWarnsMessage(UserWarning, "Overriding setting DATABASES"),
            self.settings(DATABASES=databases),
        ):
            self.assertFalse(connection.settings_dict["ATOMIC_REQUESTS"])


@override_settings(ROOT_URLCONF=__name__)
class CompleteOrderInsideATransactionTests(TransactionTestCase):
    """complete_order() called inside a transaction that is still open.

    A TransactionTestCase: each transaction really commits or rolls back,
    as it does in production, and on_commit() callbacks really run.
    """

    def setUp(self):
        self.user = User.objects.create_user("ada")
        self.order = Order.objects.create(customer=self.user, total=Decimal("42.50"))

    def assertCompletedInTheDatabase(self):
        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.COMPLETED)

    def test_a_receivers_database_error_inside_atomic_does_not_undo_the_order(self):
        reader = StatusReader()
        with (
            connected(insert_duplicate, sender=Order),
            connected(reader, sender=Order),
            self.assertLogs("django.dispatch", "ERROR") as logs,
            transaction.atomic(),
        ):
            complete_order(self.order)

        self.assertCompletedInTheDatabase()
        self.assertEqual(reader.calls, [Order.Status.COMPLETED])
        [failure] = logs.records
        self.assertIsInstance(failure.exc_info[1], IntegrityError)

    def test_with_atomic_requests_a_receivers_error_does_not_undo_the_order(self):
        reader = StatusReader()
        self.client.force_login(self.user)
        with (
            connected(insert_duplicate, sender=Order),
            connected(reader, sender=Order),
            atomic_requests(),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            response = self.client.post(
                reverse("orders:complete", args=[self.order.pk])
            )

        self.assertEqual(response.json()["status"], "completed")
        self.assertCompletedInTheDatabase()  # the response told the truth
        self.assertEqual(reader.calls, [Order.Status.COMPLETED])

    def test_two_failing_receivers_and_a_good_one(self):
        reader = StatusReader()
        with (
            connected(insert_duplicate, sender=Order),
            connected(fail, sender=Order),
            connected(reader, sender=Order),
            self.assertLogs("django.dispatch", "ERROR") as logs,
            transaction.atomic(),
        ):
            complete_order(self.order)

        self.assertCompletedInTheDatabase()
        self.assertEqual(reader.calls, [Order.Status.COMPLETED])
        self.assertEqual(
            [type(record.exc_info[1]) for record in logs.records],
            [IntegrityError, ValueError],
        )

    def test_receivers_run_after_the_commit_outside_any_transaction(self):
        inside_a_transaction = []

        def where(sender, **kwargs):
            inside_a_transaction.append(connection.in_atomic_block)

        with connected(where, sender=Order), transaction.atomic():
            complete_order(self.order)
            self.assertEqual(inside_a_transaction, [])  # not committed yet

        self.assertEqual(inside_a_transaction, [False])

    def test_a_rolled_back_completion_is_never_announced(self):
        heard = Recorder()
        with (
            connected(heard, sender=Order),
            self.assertRaises(ValueError),
            transaction.atomic(),
        ):
            complete_order(self.order)
            fail(sender=None)  # something later in the caller's transaction

        self.assertEqual(heard.calls, [])
        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.PENDING)


class ConcurrentCompletionTests(TransactionTestCase):
    """Two threads complete one order at once, each on its own connection.

    A TransactionTestCase: each thread's transaction really commits, and
    the other thread's connection sees it.
    """

    def setUp(self):
        self.order = Order.objects.create(
            customer=User.objects.create_user("ada"), total=Decimal("42.50")
        )

    def test_two_requests_completing_one_order_send_once(self):
        heard, errors = Recorder(), []
        both_loaded = threading.Barrier(2, timeout=10)
        # The writes take turns. PostgreSQL or MySQL would make the second
        # UPDATE wait for the first one's commit; SQLite's in-memory test
        # database fails it at once with "database table is locked".
        one_writer = threading.Lock()

        def request():
            try:
                order = Order.objects.get(pk=self.order.pk)  # still pending
                both_loaded.wait()  # neither completes before both have read
                with one_writer:
                    complete_order(order)
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()  # this thread's own connection

        with connected(heard, sender=Order):
            threads = [threading.Thread(target=request) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        self.assertEqual(errors, [])
        self.assertEqual(len(heard.calls), 1)


class SendRobustInsideATransactionTests(TransactionTestCase):
    """Why complete_order() does not call send_robust() inside its transaction."""

    def setUp(self):
        self.order = Order.objects.create(
            customer=User.objects.create_user("ada"), total=Decimal("42.50")
        )

    def complete_and_send(self, send):
        """Complete the order and send the signal, in one transaction."""
        with transaction.atomic():
            self.order.status = Order.Status.COMPLETED
            self.order.save(update_fields=["status"])
            self.results = send(sender=Order, order=self.order, completed_by=None)
            self.marked_for_rollback = transaction.get_rollback()

    def test_send_robust_catches_the_error_but_the_transaction_is_lost(self):
        reader = StatusReader()
        with (
            connected(insert_duplicate, sender=Order),
            connected(reader, sender=Order),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            self.complete_and_send(order_completed.send_robust)  # raises nothing

        # The failed INSERT marked the transaction for rollback: the next
        # receiver may not even query, and atomic() rolled back in silence.
        self.assertTrue(self.marked_for_rollback)
        self.assertIsInstance(dict(self.results)[reader], TransactionManagementError)
        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.PENDING)

    def test_send_makes_a_receivers_failure_roll_the_completion_back(self):
        # For work that must succeed or fail with the completion: the
        # exception rolls the whole transaction back, and the caller sees it.
        with (
            connected(insert_duplicate, sender=Order),
            self.assertRaises(IntegrityError),
        ):
            self.complete_and_send(order_completed.send)

        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.PENDING)
