"""update(), bulk_create(), bulk_update() and raw SQL send no model signals."""

from contextlib import ExitStack, contextmanager
from decimal import Decimal

from django.db import connection
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)
from django.test import TestCase

from ..models import PriceChange, Product
from .helpers import recorded

MODEL_SIGNALS = (
    pre_init,
    post_init,
    pre_save,
    post_save,
    pre_delete,
    post_delete,
    m2m_changed,
)


class NoSignalTests(TestCase):
    """Operations that write rows without sending a single model signal."""

    def setUp(self):
        self.product = Product.objects.create(name="Lamp", price=Decimal("20.00"))

    @contextmanager
    def assertNoModelSignals(self):
        with ExitStack() as stack:
            calls = [
                stack.enter_context(recorded(s, sender=Product)) for s in MODEL_SIGNALS
            ]
            yield
        self.assertEqual(calls, [[]] * len(MODEL_SIGNALS))

    def test_queryset_update(self):
        with self.assertNoModelSignals():
            Product.objects.update(price=Decimal("99.00"))

        self.assertFalse(PriceChange.objects.exists())

    def test_bulk_create(self):
        desk = Product(name="Desk", price=Decimal("150.00"))  # post_init runs here

        with self.assertNoModelSignals():
            Product.objects.bulk_create([desk])

    def test_bulk_update(self):
        self.product.price = Decimal("99.00")

        with self.assertNoModelSignals():
            Product.objects.bulk_update([self.product], ["price"])

        self.assertFalse(PriceChange.objects.exists())

    def test_raw_sql(self):
        table = Product._meta.db_table
        with self.assertNoModelSignals(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET price = %s", [Decimal("99.00")])
            cursor.execute(f"DELETE FROM {table}")

        self.assertFalse(Product.objects.exists())
        self.assertFalse(PriceChange.objects.exists())
