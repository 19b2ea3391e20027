"""Real second connections: row locks where there are some, SQLite's write lock."""

import threading
from unittest import skipUnless

from django.db import OperationalError, connection, transaction
from django.test import TransactionTestCase, skipIfDBFeature, skipUnlessDBFeature

from ..models import Product, Review, ReviewNotice
from ..services import OutOfStock, sell
from .helpers import lamp, stored


class SqliteSelectForUpdateTests(TransactionTestCase):
    """What select_for_update() does on a database that has no row locks."""

    @skipUnless(connection.vendor == "sqlite", "Django's SQLite backend")
    def test_django_declares_no_select_for_update_on_sqlite(self):
        self.assertFalse(connection.features.has_select_for_update)

    # --8<-- [start:no_transaction_needed]
    @skipIfDBFeature("has_select_for_update")
    def test_outside_a_transaction_it_is_not_even_refused(self):
        product = lamp()

        self.assertTrue(transaction.get_autocommit())  # no atomic() block
        self.assertEqual(list(Product.objects.select_for_update()), [product])

    # --8<-- [end:no_transaction_needed]


@skipUnlessDBFeature("has_select_for_update")
class RowLockTests(TransactionTestCase):
    """A real second connection, in a thread, selling the same lamp."""

    # --8<-- [start:row_lock]
    def test_a_sale_waits_for_the_row_lock_then_reads_what_the_other_left(self):
        pk = lamp(stock=1).pk
        locked, finish = threading.Event(), threading.Event()
        outcome = []

        def slow_sale():  # holds the lamp's row until told to finish
            try:
                with transaction.atomic():
                    product = Product.objects.select_for_update().get(pk=pk)
                    locked.set()
                    finish.wait(timeout=10)
                    product.stock -= 1
                    product.save(update_fields=["stock"])
            finally:
                connection.close()

        def this_sale():
            try:
                sell(pk)
                outcome.append("sold")
            except OutOfStock as error:
                outcome.append(str(error))
            finally:
                connection.close()

        other, this = (
            threading.Thread(target=slow_sale),
            threading.Thread(target=this_sale),
        )
        other.start()
        try:
            self.assertTrue(locked.wait(timeout=10))
            this.start()
            this.join(timeout=0.5)
            self.assertTrue(this.is_alive(), "sell() did not wait for the row lock")
        finally:
            finish.set()
            other.join()
            this.join(timeout=10)

        self.assertEqual(outcome, ["Desk lamp has 0 left"])  # sold once, not twice
        self.assertEqual(stored("stock"), (0,))

    # --8<-- [end:row_lock]


@skipUnless(connection.vendor == "sqlite", "SQLite's own locking")
class SqliteWriteLockTests(TransactionTestCase):
    """A real second connection, in a thread, with a transaction open."""

    def setUp(self):
        # With a database file, SQLite says "database is locked" instead,
        # once its busy timeout has run out.
        in_memory = connection.is_in_memory_db()
        self.locked = "database table is locked" if in_memory else "database is locked"

    # --8<-- [start:one_writer]
    def test_while_one_transaction_has_written_no_other_connection_can_write(self):
        review = Review.objects.create(product=lamp(), rating=5)
        written, finish = threading.Event(), threading.Event()
        errors = []

        def other_request():
            try:
                with transaction.atomic():
                    Product.objects.update(stock=5)
                    written.set()
                    finish.wait(timeout=10)  # keep the transaction open
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(target=other_request)
        thread.start()
        try:
            self.assertTrue(written.wait(timeout=10))
            self.assertEqual(Review.objects.count(), 1)  # reading another table: fine
            # A new row, and a row in another table: no row lock covers them.
            with self.assertRaisesMessage(OperationalError, self.locked):
                lamp(name="Floor lamp")
            with self.assertRaisesMessage(OperationalError, self.locked):
                ReviewNotice.objects.create(review=review)
        finally:
            finish.set()
            thread.join()

        self.assertEqual(errors, [])
        lamp(name="Floor lamp")  # the other transaction has committed
        ReviewNotice.objects.create(review=review)

    # --8<-- [end:one_writer]
