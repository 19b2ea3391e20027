import ast
from decimal import Decimal
from pathlib import Path

import orders
from django.contrib.auth import get_user_model
from django.test import SimpleTestCase, TestCase
from orders.models import Order
from orders.services import complete_order
from orders.signals import order_completed

from .models import PointsAward

User = get_user_model()


class AwardPointsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("ada")

    def setUp(self):
        self.order = Order.objects.create(customer=self.user, total=Decimal("42.50"))

    def test_completing_an_order_awards_one_point_per_whole_unit(self):
        with self.assertLogs("loyalty.signals", "INFO") as logs:
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
        for path in Path(orders.__file__).parent.glob("*.py"):
            tree = ast.parse(path.read_text())
            modules = [
                node.module or "" if isinstance(node, ast.ImportFrom) else alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names
            ]
            self.assertFalse(
                [m for m in modules if m.startswith("loyalty")], msg=path.name
            )
