"""Defining order_completed, and how send() and send_robust() reach receivers."""

from django.dispatch import Signal
from django.test import SimpleTestCase, override_settings

from ..models import Order
from ..signals import order_completed
from .helpers import OrderTestCase, Recorder, connected, fail


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
