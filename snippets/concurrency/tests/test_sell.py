"""sell() reads the stock in the transaction that writes it: one lamp, sold once."""

from decimal import Decimal

from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ..models import Product
from ..services import OutOfStock, sell
from .helpers import lamp, statements, stored


class SellTests(TestCase):
    def setUp(self):
        self.pk = lamp(stock=1).pk  # the last lamp

    # --8<-- [start:oversell]
    def test_two_stale_copies_sell_the_last_lamp_twice(self):
        first = Product.objects.get(pk=self.pk)  # both read: 1 in stock
        second = Product.objects.get(pk=self.pk)
        sold = 0
        for copy in (first, second):
            if copy.stock >= 1:
                copy.stock -= 1
                copy.save(update_fields=["stock"])
                sold += 1

        self.assertEqual(sold, 2)  # two customers, one lamp
        self.assertEqual(stored("stock"), (0,))

    # --8<-- [end:oversell]

    # --8<-- [start:sell_once]
    def test_sell_reads_the_stock_in_the_transaction_that_writes_it(self):
        sell(self.pk)
        with self.assertRaisesMessage(OutOfStock, "Desk lamp has 0 left"):
            sell(self.pk)

        self.assertEqual(stored("stock"), (0,))

    # --8<-- [end:sell_once]

    def test_sell_takes_several_items_at_once(self):
        Product.objects.filter(pk=self.pk).update(stock=5)

        self.assertEqual(sell(self.pk, quantity=3).stock, 2)
        with self.assertRaises(OutOfStock):
            sell(self.pk, quantity=3)
        self.assertEqual(sell(self.pk, quantity=2).stock, 0)

    def test_sell_writes_only_the_stock(self):
        stale = Product.objects.get(pk=self.pk)
        with transaction.atomic():
            stale.price = Decimal("30.00")
            stale.save()
        sell(self.pk)

        self.assertEqual(stored("price", "stock"), (Decimal("30.00"), 0))

    def test_sell_runs_one_select_and_one_update(self):
        with statements() as sale:
            sell(self.pk)

        self.assertEqual(sale, ["SELECT", "UPDATE"])  # no price read: stock only

    def test_a_failed_sale_changes_nothing(self):
        with self.assertRaises(OutOfStock):
            sell(self.pk, quantity=2)

        self.assertEqual(stored("stock"), (1,))

    # --8<-- [start:for_update_sql]
    def test_the_lock_is_in_the_sql_only_where_the_database_has_row_locks(self):
        with CaptureQueriesContext(connection) as queries:
            sell(self.pk)

        [select] = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
        row_locks = connection.features.has_select_for_update  # False on SQLite
        self.assertEqual("FOR UPDATE" in select, row_locks)

    # --8<-- [end:for_update_sql]
