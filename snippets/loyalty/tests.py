import ast
from decimal import Decimal
from pathlib import Path
from unittest import mock

import orders
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.urls import include, path, reverse
from orders.models import Order
from orders.services import complete_order
from orders.signals import order_completed

from .models import PointsAward

User = get_user_model()

# The view test serves the orders app's URLs from here.
urlpatterns = [path("orders/", include("orders.urls"))]


def award_again(sender, order, **kwargs):
    """A buggy receiver: award_points already gave this order its award."""
    PointsAward.objects.create(order=order, customer=order.customer, points=1)


def fail(sender, **kwargs):
    raise ValueError("receiver failed")


class AwardPointsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("ada")

    def setUp(self):
        self.order = Order.objects.create(customer=self.user, total=Decimal("42.50"))

    def test_completing_an_order_awards_one_point_per_whole_unit(self):
        with (
            self.assertLogs("loyalty.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),  # as if it committed
        ):
            complete_order(self.order)

        award = PointsAward.objects.get(order=self.order)
        self.assertEqual((award.customer, award.points), (self.user, 42))
        self.assertEqual(
            logs.output,
            [f"INFO:loyalty.signals:Awarded 42 points for order {self.order.pk}"],
        )

    def test_a_second_delivery_awards_nothing_more(self):
        order_completed.send(sender=Order, order=self.order, completed_by=None)
        order_completed.send(sender=Order, order=self.order, completed_by=None)

        self.assertEqual(PointsAward.objects.filter(order=self.order).count(), 1)

    def test_sender_none_does_not_reach_a_receiver_connected_with_sender_order(self):
        order_completed.send(sender=None, order=self.order, completed_by=None)

        self.assertFalse(PointsAward.objects.exists())

    def test_a_new_keyword_argument_does_not_break_the_receiver(self):
        # award_points takes **kwargs, so the sender may add arguments.
        order_completed.send(
            sender=Order, order=self.order, completed_by=None, channel="web"
        )

        self.assertTrue(PointsAward.objects.filter(order=self.order).exists())


class OwnershipTests(SimpleTestCase):
    def test_the_orders_app_imports_nothing_from_loyalty(self):
        # The sender knows no receiver: loyalty depends on orders, never the
        # other way round.
        for source in Path(orders.__file__).parent.glob("*.py"):
            tree = ast.parse(source.read_text())
            modules = [
                node.module or "" if isinstance(node, ast.ImportFrom) else alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names
            ]
            self.assertFalse(
                [m for m in modules if m.startswith("loyalty")], msg=source.name
            )


@override_settings(ROOT_URLCONF=__name__)
class OtherReceiversFailTests(TransactionTestCase):
    """Other receivers of order_completed fail; the points must stay.

    A TransactionTestCase: each transaction really commits or rolls back.
    """

    def setUp(self):
        self.user = User.objects.create_user("ada")
        self.order = Order.objects.create(customer=self.user, total=Decimal("42.50"))
        for receiver in (award_again, fail):
            order_completed.connect(receiver, sender=Order)
            self.addCleanup(order_completed.disconnect, receiver, sender=Order)

    def assertCompletedWithItsPoints(self):
        self.order.refresh_from_db()
        self.assertEqual(self.order.status, Order.Status.COMPLETED)
        self.assertEqual(PointsAward.objects.get(order=self.order).points, 42)

    def test_inside_atomic(self):
        with (
            self.assertLogs("django.dispatch", "ERROR") as logs,
            transaction.atomic(),
        ):
            complete_order(self.order)

        self.assertCompletedWithItsPoints()
        self.assertEqual(
            [type(record.exc_info[1]) for record in logs.records],
            [IntegrityError, ValueError],
        )

    def test_under_atomic_requests(self):
        self.client.force_login(self.user)
        with (
            mock.patch.dict(connection.settings_dict, ATOMIC_REQUESTS=True),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            self.client.post(reverse("orders:complete", args=[self.order.pk]))

        self.assertCompletedWithItsPoints()
