"""complete_order() and its view send order_completed once, after the commit."""

from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import include, path, reverse

from ..models import Order
from ..services import complete_order
from ..signals import order_completed
from .helpers import OrderTestCase, Recorder, connected, fail

User = get_user_model()

# The view tests serve the app's URLs from here, as a project would include them.
urlpatterns = [path("orders/", include("orders.urls"))]


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
