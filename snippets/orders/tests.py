import threading
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.urls import include, path, reverse

from .models import Order
from .services import complete_order
from .signals import order_completed

User = get_user_model()


@contextmanager
def connected(receiver, signal=order_completed, **kwargs):
    """Connect a receiver for one test only."""
    signal.connect(receiver, **kwargs)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=kwargs.get("sender"))


class Recorder:
    """A receiver that remembers what it heard."""

    def __init__(self, name="recorder", returns=None):
        self.__name__ = self.__qualname__ = name
        self.calls, self.returns = [], returns

    def __call__(self, sender, **kwargs):
        self.calls.append((sender, kwargs))
        return self.returns


def fail(sender, **kwargs):
    raise ValueError("receiver failed")


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


class DefiningASignalTests(SimpleTestCase):
    def test_providing_args_is_gone(self):
        # Removed in Django 4.0; document the arguments in a comment instead.
        with self.assertRaises(TypeError):
            Signal(providing_args=["order"])

    @override_settings(DEBUG=True)
    def test_with_debug_on_a_receiver_without_kwargs_is_refused(self):
        def no_kwargs(sender):
            return None

        with self.assertRaisesMessage(ValueError, "must accept keyword arguments"):
            order_completed.connect(no_kwargs)

    @override_settings(DEBUG=False)
    def test_with_debug_off_it_connects_and_then_breaks_the_first_send(self):
        def no_kwargs(sender):
            return None

        with (
            connected(no_kwargs),
            self.assertRaisesMessage(TypeError, "unexpected keyword argument"),
        ):
            order_completed.send(sender=None, order=None, completed_by=None)


class OrderTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("ada")

    def make_order(self):
        return Order.objects.create(customer=self.user, total=Decimal("42.50"))

    def complete(self, order, **kwargs):
        """complete_order() and its on_commit() work, as if it had committed."""
        with self.captureOnCommitCallbacks(execute=True):
            return complete_order(order, **kwargs)


class CompleteOrderTests(OrderTestCase):
    def test_sends_order_completed_with_its_documented_arguments(self):
        order, heard = self.make_order(), Recorder()
        with connected(heard, sender=Order):
            self.complete(order, completed_by=self.user)

        self.assertEqual(
            heard.calls,
            [
                (
                    Order,
                    {
                        "signal": order_completed,
                        "order": order,
                        "completed_by": self.user,
                    },
                )
            ],
        )
        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.COMPLETED)

    def test_receivers_hear_nothing_until_the_completion_commits(self):
        order, heard = self.make_order(), Recorder()
        with connected(heard, sender=Order):
            with self.captureOnCommitCallbacks() as callbacks:
                complete_order(order)
            self.assertEqual(heard.calls, [])

            callbacks[0]()  # what the commit does
        self.assertEqual(len(heard.calls), 1)

    def test_completing_twice_sends_once(self):
        order, heard = self.make_order(), Recorder()
        with connected(heard, sender=Order):
            self.complete(order)
            self.complete(order)

        self.assertEqual(len(heard.calls), 1)

    def test_two_copies_of_one_pending_order_send_once(self):
        # A double-click, two requests, two workers: each loaded the order
        # while it was still pending, so each copy still says "pending".
        order, heard = self.make_order(), Recorder()
        first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
        with connected(heard, sender=Order):
            self.complete(first)
            self.complete(second)

        self.assertEqual(len(heard.calls), 1)
        self.assertIs(heard.calls[0][1]["order"], first)
        # The late copy is told the truth: the order is completed.
        self.assertEqual(second.status, Order.Status.COMPLETED)

    def test_saving_a_completed_order_sends_nothing(self):
        # Only the service sends the signal; a plain save() (the admin, a
        # data fix) is not the business event.
        order, heard = self.make_order(), Recorder()
        with connected(heard), self.captureOnCommitCallbacks(execute=True):
            order.status = Order.Status.COMPLETED
            order.save()

        self.assertEqual(heard.calls, [])

    def test_a_failing_receiver_neither_undoes_the_order_nor_stops_the_others(self):
        order, after = self.make_order(), Recorder()
        with (
            connected(fail, sender=Order),
            connected(after, sender=Order),
            self.assertLogs("django.dispatch", "ERROR") as logs,
        ):
            self.complete(order)

        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.COMPLETED)
        self.assertEqual(len(after.calls), 1)
        self.assertIn("Error calling fail in Signal.send_robust()", logs.output[0])

    def test_completed_by_must_be_passed_by_name(self):
        # A keyword-only argument: a caller cannot mistake it for another one.
        with self.assertRaises(TypeError):
            complete_order(self.make_order(), self.user)


@override_settings(ROOT_URLCONF=__name__)
class CompleteViewTests(OrderTestCase):
    def test_a_customer_completes_only_their_own_orders(self):
        order = self.make_order()
        url = reverse("orders:complete", args=[order.pk])
        self.client.force_login(User.objects.create_user("mallory"))

        self.assertEqual(self.client.post(url).status_code, 404)
        self.client.force_login(self.user)
        self.assertEqual(self.client.post(url).json()["status"], "completed")

    def test_a_get_request_is_refused_and_completes_nothing(self):
        order = self.make_order()
        self.client.force_login(self.user)

        response = self.client.get(reverse("orders:complete", args=[order.pk]))

        self.assertEqual(response.status_code, 405)
        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.PENDING)

    def test_an_anonymous_visitor_is_sent_to_log_in(self):
        order = self.make_order()
        url = reverse("orders:complete", args=[order.pk])

        response = self.client.post(url)

        self.assertRedirects(
            response, f"/accounts/login/?next={url}", fetch_redirect_response=False
        )
        order.refresh_from_db()
        self.assertEqual(order.status, Order.Status.PENDING)


class SenderTests(OrderTestCase):
    def test_sender_none_reaches_only_receivers_connected_without_a_sender(self):
        anyone, orders_only = Recorder("anyone"), Recorder("orders_only")
        with connected(anyone), connected(orders_only, sender=Order):
            order_completed.send(sender=None, order=None, completed_by=None)

        self.assertEqual(len(anyone.calls), 1)
        self.assertEqual(orders_only.calls, [])

    def test_the_order_class_reaches_both(self):
        anyone, orders_only = Recorder("anyone"), Recorder("orders_only")
        with connected(anyone), connected(orders_only, sender=Order):
            order_completed.send(
                sender=Order, order=self.make_order(), completed_by=None
            )

        self.assertEqual((len(anyone.calls), len(orders_only.calls)), (1, 1))

    def test_an_instance_as_sender_misses_receivers_connected_to_the_class(self):
        orders_only = Recorder()
        with connected(orders_only, sender=Order):
            order = self.make_order()
            order_completed.send(sender=order, order=order, completed_by=None)

        self.assertEqual(orders_only.calls, [])

    def test_a_plain_signal_does_not_resolve_a_model_name_string(self):
        # "app_label.Model" strings work for model signals only.
        by_name = Recorder()
        with connected(by_name, sender="orders.Order"):
            order_completed.send(
                sender=Order, order=self.make_order(), completed_by=None
            )

        self.assertEqual(by_name.calls, [])


class SendVersusSendRobustTests(SimpleTestCase):
    def test_send_lets_the_exception_out_and_skips_later_receivers(self):
        before, after = Recorder("before"), Recorder("after")
        with (
            connected(before),
            connected(fail),
            connected(after),
            self.assertRaisesMessage(ValueError, "receiver failed"),
        ):
            order_completed.send(sender=None, order=None, completed_by=None)

        self.assertEqual((len(before.calls), len(after.calls)), (1, 0))

    def test_send_robust_runs_every_receiver_and_returns_the_exception(self):
        before, after = Recorder("before", 1), Recorder("after", 2)
        with (
            connected(before),
            connected(fail),
            connected(after),
            self.assertLogs("django.dispatch", "ERROR") as logs,
        ):
            results = order_completed.send_robust(
                sender=None, order=None, completed_by=None
            )

        self.assertEqual([r for r, _ in results], [before, fail, after])
        self.assertEqual((results[0][1], results[2][1]), (1, 2))
        self.assertIsInstance(results[1][1], ValueError)
        [record] = logs.records
        self.assertEqual(
            record.getMessage(),
            "Error calling fail in Signal.send_robust() (receiver failed)",
        )
        self.assertIs(record.exc_info[1], results[1][1])  # with its traceback


class ReturnValueTests(SimpleTestCase):
    def test_send_returns_receiver_response_pairs_in_connection_order(self):
        first, second = Recorder("first", "a"), Recorder("second", "b")
        with connected(second), connected(first):
            results = order_completed.send(sender=None, order=None, completed_by=None)

        self.assertEqual(results, [(second, "b"), (first, "a")])

    def test_async_receivers_run_after_the_sync_ones(self):
        ran = []

        async def early_async(sender, **kwargs):
            ran.append("early_async")
            return "async"

        def late_sync(sender, **kwargs):
            ran.append("late_sync")
            return "sync"

        with connected(early_async), connected(late_sync):
            results = order_completed.send(sender=None, order=None, completed_by=None)

        self.assertEqual(ran, ["late_sync", "early_async"])
        self.assertEqual(results, [(late_sync, "sync"), (early_async, "async")])


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
