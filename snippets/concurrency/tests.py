import threading
from contextlib import contextmanager, suppress
from decimal import Decimal
from unittest import mock, skipIf, skipUnless

import django
from django.core import serializers
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.db.models.query import QuerySet
from django.db.models.signals import post_init, post_save, pre_save
from django.db.transaction import TransactionManagementError
from django.test import (
    TestCase,
    TransactionTestCase,
    skipIfDBFeature,
    skipUnlessDBFeature,
)
from django.test.utils import CaptureQueriesContext

from . import signals
from .models import PriceChange, Product, Review, ReviewNotice
from .services import OutOfStock, sell

LOGGER = "concurrency.signals"


@contextmanager
def connected(signal, receiver, sender):
    """Connect a receiver for one block only."""
    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)


@contextmanager
def replaced(receiver, by, sender):
    """Swap one of the app's post_save receivers for another, for one block."""
    uid = f"concurrency.{receiver.__name__}"
    post_save.disconnect(sender=sender, dispatch_uid=uid)
    try:
        with connected(post_save, by, sender):
            yield
    finally:
        post_save.connect(receiver, sender=sender, dispatch_uid=uid)


@contextmanager
def seen_by_receivers(*fields):
    """The values a post_save receiver of Product finds on its instance."""
    seen = []

    def look(sender, instance, **kwargs):
        seen.append(tuple(getattr(instance, field) for field in fields))

    with connected(post_save, look, Product):
        yield seen


@contextmanager
def statements():
    """The kind of each SQL statement a block runs, savepoints left out."""
    kinds = []
    with CaptureQueriesContext(connection) as queries:
        yield kinds
    savepoints = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")
    kinds.extend(
        query["sql"].split()[0]
        for query in queries
        if not query["sql"].startswith(savepoints)
    )


def stored(*fields):
    return Product.objects.values_list(*fields).get()


def history():
    return list(PriceChange.objects.values_list("old_price", "new_price"))


def lamp(**values):
    return Product.objects.create(
        **{"name": "Desk lamp", "price": Decimal("20.00"), "stock": 10, **values}
    )


class StaleInstanceTests(TestCase):
    """Two requests load the same product, then both save it."""

    def setUp(self):
        self.pk = lamp().pk
        self.first = Product.objects.get(pk=self.pk)
        self.second = Product.objects.get(pk=self.pk)

    # --8<-- [start:lost_update]
    def test_the_second_save_overwrites_the_first(self):
        with seen_by_receivers("name", "price") as seen:
            with transaction.atomic():
                self.first.price = Decimal("30.00")
                self.first.save()
            with transaction.atomic():
                self.second.name = "Reading lamp"
                self.second.save()  # writes every field: price 20.00 too

        self.assertEqual(stored("name", "price"), ("Reading lamp", Decimal("20.00")))
        # Each receiver saw the instance it was sent, not the row.
        self.assertEqual(
            seen,
            [("Desk lamp", Decimal("30.00")), ("Reading lamp", Decimal("20.00"))],
        )

    # --8<-- [end:lost_update]

    # --8<-- [start:update_fields]
    def test_update_fields_writes_only_what_changed(self):
        with seen_by_receivers("name", "price") as seen:
            with transaction.atomic():
                self.first.price = Decimal("30.00")
                self.first.save(update_fields=["price"])
            with transaction.atomic():
                self.second.name = "Reading lamp"
                self.second.save(update_fields=["name"])

        self.assertEqual(stored("name", "price"), ("Reading lamp", Decimal("30.00")))
        # The second receiver still finds the stale price on its instance.
        self.assertEqual(seen[1], ("Reading lamp", Decimal("20.00")))

    # --8<-- [end:update_fields]

    def test_post_save_gets_the_update_fields_it_may_trust(self):
        calls = []

        def look(sender, instance, update_fields, **kwargs):
            calls.append(update_fields)

        with connected(post_save, look, Product):
            self.second.name = "Reading lamp"
            self.second.save(update_fields=["name"])

        self.assertEqual(calls, [frozenset({"name"})])

    def test_update_fields_cannot_save_two_changes_of_one_field(self):
        with transaction.atomic():
            self.first.price = Decimal("30.00")
            self.first.save(update_fields=["price"])
        with transaction.atomic():
            self.second.price = Decimal("25.00")
            self.second.save(update_fields=["price"])

        self.assertEqual(stored("price"), (Decimal("25.00"),))  # the last one wins

    # --8<-- [start:f_expressions]
    def test_f_expressions_let_the_database_apply_both_changes(self):
        for copy in (self.first, self.second):
            copy.stock = F("stock") - 1  # UPDATE ... SET stock = stock - 1
            copy.save(update_fields=["stock"])

        self.assertEqual(stored("stock"), (8,))

    # --8<-- [end:f_expressions]

    def test_f_with_a_plain_save_still_writes_every_other_field(self):
        with transaction.atomic():
            self.first.price = Decimal("30.00")
            self.first.save()
        with transaction.atomic():
            self.second.stock = F("stock") - 1
            self.second.save()  # the stock is right, the price is stale

        self.assertEqual(stored("price", "stock"), (Decimal("20.00"), 9))

    # --8<-- [start:f_read_back]
    @skipUnless(django.VERSION >= (6, 0), "save() reads F() results back from 6.0")
    def test_save_reads_the_computed_value_back(self):
        with seen_by_receivers("stock") as seen, self.assertNumQueries(1):
            self.first.stock = F("stock") - 1
            self.first.save(update_fields=["stock"])  # UPDATE ... RETURNING

        self.assertEqual(self.first.stock, 9)
        self.assertEqual(seen, [(9,)])  # receivers get the number too
        self.first.save(update_fields=["stock"])  # writes 9 again
        self.assertEqual(stored("stock"), (9,))

    @skipIf(django.VERSION >= (6, 0), "Django 6.0 reads the computed value back")
    def test_before_django_6_the_instance_keeps_the_expression(self):
        with seen_by_receivers("stock") as seen:
            self.first.stock = F("stock") - 1
            self.first.save(update_fields=["stock"])

        self.assertTrue(hasattr(self.first.stock, "resolve_expression"))
        self.assertTrue(hasattr(seen[0][0], "resolve_expression"))
        self.first.save(update_fields=["stock"])  # runs stock - 1 again
        self.assertEqual(stored("stock"), (8,))
        self.first.refresh_from_db(fields=["stock"])
        self.assertEqual(self.first.stock, 8)

    # --8<-- [end:f_read_back]

    @skipUnless(django.VERSION >= (6, 0), "save() reads F() results back from 6.0")
    def test_without_update_returning_the_field_is_loaded_when_read(self):
        # MySQL and MariaDB cannot return rows from an UPDATE.
        with mock.patch.object(
            connection.features, "can_return_rows_from_update", False
        ):
            self.first.stock = F("stock") - 1
            self.first.save(update_fields=["stock"])

        self.assertIn("stock", self.first.get_deferred_fields())
        with self.assertNumQueries(1):
            self.assertEqual(self.first.stock, 9)


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


# --8<-- [start:remembered]
def remember_loaded_price(sender, instance, **kwargs):
    """The usual dirty tracking: remember the price an instance was built with."""
    instance._loaded_price = instance.__dict__.get("price")


# --8<-- [end:remembered]


class PriceHistoryTests(TestCase):
    def setUp(self):
        self.pk = lamp().pk

    # --8<-- [start:stale_memory]
    def test_a_price_remembered_at_load_time_is_stale_by_the_save(self):
        with connected(post_init, remember_loaded_price, Product):
            first = Product.objects.get(pk=self.pk)
            second = Product.objects.get(pk=self.pk)
        with transaction.atomic():
            first.price = Decimal("30.00")
            first.save()
        with transaction.atomic():
            second.price = Decimal("40.00")
            second.save()

        self.assertEqual(second._loaded_price, Decimal("20.00"))  # remembered
        self.assertEqual(  # read from the row, under the lock
            history(),
            [
                (Decimal("20.00"), Decimal("30.00")),
                (Decimal("30.00"), Decimal("40.00")),
            ],
        )

    # --8<-- [end:stale_memory]

    def test_refresh_from_db_does_not_renew_the_remembered_price(self):
        with connected(post_init, remember_loaded_price, Product):
            product = Product.objects.get(pk=self.pk)
            Product.objects.filter(pk=self.pk).update(price=Decimal("30.00"))
            product.refresh_from_db()  # builds another instance, copies its values

        self.assertEqual(product.price, Decimal("30.00"))
        self.assertEqual(product._loaded_price, Decimal("20.00"))

    def test_a_stale_save_that_puts_the_old_price_back_is_recorded(self):
        first = Product.objects.get(pk=self.pk)
        second = Product.objects.get(pk=self.pk)
        with transaction.atomic():
            first.price = Decimal("30.00")
            first.save()
        with transaction.atomic():
            second.name = "Reading lamp"
            second.save()  # its price is the 20.00 it loaded

        self.assertEqual(
            history(),
            [
                (Decimal("20.00"), Decimal("30.00")),
                (Decimal("30.00"), Decimal("20.00")),
            ],
        )

    # --8<-- [start:cost]
    def test_the_exact_old_price_costs_one_locking_query_per_save(self):
        product = Product.objects.get(pk=self.pk)
        with statements() as changed, transaction.atomic():
            product.price = Decimal("25.00")
            product.save()
        with statements() as unchanged, transaction.atomic():
            product.save()
        with statements() as name_only, transaction.atomic():
            product.name = "Reading lamp"
            product.save(update_fields=["name"])
        with statements() as created, transaction.atomic():
            lamp(name="Floor lamp")

        self.assertEqual(changed, ["SELECT", "UPDATE", "INSERT"])
        self.assertEqual(unchanged, ["SELECT", "UPDATE"])
        self.assertEqual(name_only, ["UPDATE"])
        self.assertEqual(created, ["INSERT"])

    # --8<-- [end:cost]

    def test_the_lock_reads_only_the_price(self):
        product = Product.objects.get(pk=self.pk)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            product.save()

        select = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
        self.assertIn('"price"', select)
        self.assertNotIn('"name"', select)

    def test_the_change_is_logged_once_committed(self):
        product = Product.objects.get(pk=self.pk)
        with self.captureOnCommitCallbacks() as callbacks, self.assertNoLogs(LOGGER):
            product.price = Decimal("25.00")
            product.save()

        with self.assertLogs(LOGGER, "INFO") as logs:
            for callback in callbacks:
                callback()
        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:Price of product {self.pk}: 20.00 -> 25.00"]
        )

    def test_a_rolled_back_change_leaves_no_history_and_no_log(self):
        product = Product.objects.get(pk=self.pk)
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            product.price = Decimal("25.00")
            product.save()
            raise RuntimeError("the rest of the request failed")

        self.assertEqual(history(), [])
        self.assertEqual(callbacks, [])

    def test_a_price_computed_by_the_database_is_recorded(self):
        product = Product.objects.get(pk=self.pk)
        with transaction.atomic():
            product.price = F("price") + Decimal("5.00")
            product.save()

        self.assertEqual(history(), [(Decimal("20.00"), Decimal("25.00"))])

    def test_an_expression_left_on_the_instance_is_read_from_the_row(self):
        # Django 5.2's save() sends post_save with F() still on the instance.
        # Sent by hand, so the receiver's answer to it runs on every series.
        product = Product.objects.get(pk=self.pk)
        product.price = F("price") + Decimal("5.00")
        saved = {
            "sender": Product,
            "instance": product,
            "raw": False,
            "using": "default",
            "update_fields": None,
        }
        with transaction.atomic():
            pre_save.send(**saved)
            Product.objects.filter(pk=self.pk).update(price=product.price)
            post_save.send(created=False, **saved)

        self.assertEqual(history(), [(Decimal("20.00"), Decimal("25.00"))])

    def test_the_same_price_given_as_a_string_is_no_change(self):
        product = Product.objects.get(pk=self.pk)
        with transaction.atomic():
            product.price = "20.0"
            product.save()

        self.assertEqual(history(), [])

    def test_a_product_built_with_the_pk_of_a_stored_row(self):
        with transaction.atomic():
            Product(pk=self.pk, name="Desk lamp", price=Decimal("15.00")).save()

        self.assertEqual(history(), [(Decimal("20.00"), Decimal("15.00"))])

    def test_a_product_built_with_an_unknown_pk_has_no_old_price(self):
        with transaction.atomic():
            Product(pk=self.pk + 1, name="Floor lamp", price=Decimal("80.00")).save()

        self.assertEqual(history(), [])

    def test_loaddata_leaves_the_history_alone(self):
        data = serializers.serialize("json", [Product.objects.get(pk=self.pk)])
        data = data.replace('"20.00"', '"99.00"')
        with statements() as loaded:
            for deserialized in serializers.deserialize("json", data):
                deserialized.save()  # save_base(raw=True), as loaddata does

        self.assertEqual(loaded, ["UPDATE"])  # no locking read
        self.assertEqual(stored("price"), (Decimal("99.00"),))
        self.assertEqual(history(), [])

    # --8<-- [start:testcase_hides]
    def test_testcase_cannot_catch_a_price_saved_outside_atomic(self):
        # TestCase runs each test inside a transaction: autocommit is off.
        self.assertFalse(transaction.get_autocommit())
        product = Product.objects.get(pk=self.pk)
        product.price = Decimal("25.00")
        product.save()  # no atomic() here, and no error either

        self.assertEqual(history(), [(Decimal("20.00"), Decimal("25.00"))])

    # --8<-- [end:testcase_hides]


class PriceSavedInAutocommitTests(TransactionTestCase):
    """Without TestCase's transaction around it, as in a view."""

    def setUp(self):
        self.product = lamp()

    # --8<-- [start:refused]
    def test_a_price_saved_outside_atomic_is_refused(self):
        self.product.price = Decimal("25.00")
        with self.assertRaisesMessage(
            TransactionManagementError, "inside transaction.atomic()"
        ):
            self.product.save()

        self.assertEqual(stored("price"), (Decimal("20.00"),))  # nothing written

    # --8<-- [end:refused]

    def test_inside_atomic_it_is_saved_recorded_and_logged_on_commit(self):
        with self.assertLogs(LOGGER, "INFO") as logs, transaction.atomic():
            self.product.price = Decimal("25.00")
            self.product.save()
            logged_before_the_commit = list(logs.output)

        self.assertEqual(logged_before_the_commit, [])
        self.assertEqual(history(), [(Decimal("20.00"), Decimal("25.00"))])
        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:Price of product {self.product.pk}: 20.00 -> 25.00"],
        )

    def test_saves_that_leave_the_price_alone_need_no_transaction(self):
        self.product.name = "Reading lamp"
        self.product.save(update_fields=["name"])
        lamp(name="Floor lamp")

        self.assertEqual(Product.objects.count(), 2)


class ReviewCounterTests(TestCase):
    def setUp(self):
        self.pk = lamp().pk

    def counters(self):
        return stored("review_count", "top_rating")

    # --8<-- [start:count_race]
    def test_counting_in_python_loses_a_review_and_the_top_rating(self):
        first = Product.objects.get(pk=self.pk)  # each request has its copy
        second = Product.objects.get(pk=self.pk)
        with replaced(signals.count_review, count_review_in_python, Review):
            Review.objects.create(product=first, rating=5)
            Review.objects.create(product=second, rating=4)

        self.assertEqual(self.counters(), (1, 4))  # should be 2 reviews, top 5

    def test_the_receiver_counts_in_the_database(self):
        first = Product.objects.get(pk=self.pk)
        second = Product.objects.get(pk=self.pk)
        Review.objects.create(product=first, rating=5)
        Review.objects.create(product=second, rating=4)

        self.assertEqual(self.counters(), (2, 5))

    # --8<-- [end:count_race]

    # --8<-- [start:caller_copy]
    def test_a_later_plain_save_of_the_callers_copy_undoes_the_count(self):
        product = Product.objects.get(pk=self.pk)
        Review.objects.create(product=product, rating=5)
        self.assertEqual(product.review_count, 0)  # the caller's copy is stale

        with transaction.atomic():
            product.name = "Reading lamp"
            product.save()  # writes review_count=0, top_rating=0 back

        self.assertEqual(self.counters(), (0, 0))

    def test_update_fields_keeps_the_count(self):
        product = Product.objects.get(pk=self.pk)
        Review.objects.create(product=product, rating=5)

        product.name = "Reading lamp"
        product.save(update_fields=["name"])

        self.assertEqual(self.counters(), (1, 5))

    def test_refresh_from_db_before_the_save_keeps_the_count(self):
        product = Product.objects.get(pk=self.pk)
        Review.objects.create(product=product, rating=5)

        product.refresh_from_db()  # now holds the count the receiver wrote
        with transaction.atomic():
            product.name = "Reading lamp"
            product.save()

        self.assertEqual(self.counters(), (1, 5))

    # --8<-- [end:caller_copy]

    def test_counting_runs_two_updates_and_no_save_signals(self):
        with statements() as review_added:
            Review.objects.create(product_id=self.pk, rating=5)

        # update() sends no pre_save: the price history reads nothing.
        self.assertEqual(review_added, ["INSERT", "UPDATE", "UPDATE"])

    def test_an_edited_review_is_not_counted_again(self):
        review = Review.objects.create(product_id=self.pk, rating=3)
        review.rating = 5
        review.save()

        self.assertEqual(self.counters(), (1, 3))

    def test_only_a_new_top_rating_is_logged_after_the_commit(self):
        with self.captureOnCommitCallbacks() as callbacks, self.assertNoLogs(LOGGER):
            for rating in (4, 3, 4, 5):
                Review.objects.create(product_id=self.pk, rating=rating)

        with self.assertLogs(LOGGER, "INFO") as logs:
            for callback in callbacks:
                callback()
        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:Product {self.pk} has a new top rating: 4",
                f"INFO:{LOGGER}:Product {self.pk} has a new top rating: 5",
            ],
        )
        self.assertEqual(self.counters(), (4, 5))

    def test_loaddata_brings_its_own_counts(self):
        data = (
            '[{"model": "concurrency.review", "pk": 7,'
            f' "fields": {{"product": {self.pk}, "rating": 5, "published": true}}}}]'
        )
        for deserialized in serializers.deserialize("json", data):
            deserialized.save()

        self.assertEqual(self.counters(), (0, 0))
        self.assertFalse(ReviewNotice.objects.exists())


# --8<-- [start:count_in_python]
def count_review_in_python(sender, instance, created, **kwargs):
    """Read, add one, write back: from the copy of the product the caller holds."""
    if created:
        product = instance.product
        product.review_count += 1
        product.top_rating = max(product.top_rating, instance.rating)
        product.save(update_fields=["review_count", "top_rating"])


# --8<-- [end:count_in_python]


class NotifyStaffTests(TestCase):
    def setUp(self):
        self.review = Review.objects.create(product=lamp(), rating=5)

    def publish(self, review):
        review.published = True
        review.save()

    # --8<-- [start:twice]
    def test_a_published_review_saved_twice_notifies_the_staff_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.publish(self.review)
            self.review.rating = 4
            self.review.save()  # still published: the receiver runs again

        self.assertEqual(ReviewNotice.objects.count(), 1)

    def test_two_copies_publishing_the_review_at_once_notify_once(self):
        first = Review.objects.get(pk=self.review.pk)
        second = Review.objects.get(pk=self.review.pk)
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.publish(first)
            self.publish(second)

        self.assertEqual(ReviewNotice.objects.count(), 1)
        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:Staff notified of published review {self.review.pk}"],
        )

    # --8<-- [end:twice]

    def test_an_unpublished_review_notifies_nobody(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.review.rating = 4
            self.review.save()

        self.assertFalse(ReviewNotice.objects.exists())
        self.assertEqual(callbacks, [])

    def test_the_staff_are_told_only_once_committed(self):
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            self.publish(self.review)
            raise RuntimeError("the rest of the request failed")

        self.assertFalse(ReviewNotice.objects.exists())
        self.assertEqual(callbacks, [])

    # --8<-- [start:race]
    def test_a_notice_created_between_the_read_and_the_insert(self):
        real_get = QuerySet.get

        def get_then_another_request_inserts(queryset, *args, **kwargs):
            try:
                return real_get(queryset, *args, **kwargs)
            except ReviewNotice.DoesNotExist:
                # Another request inserts the notice just after this read.
                ReviewNotice.objects.bulk_create([ReviewNotice(review=self.review)])
                raise

        with (
            mock.patch.object(QuerySet, "get", get_then_another_request_inserts),
            self.captureOnCommitCallbacks() as callbacks,
            transaction.atomic(),  # the caller's transaction
        ):
            self.publish(self.review)  # the INSERT fails inside its savepoint
            self.assertEqual(Review.objects.filter(published=True).count(), 1)

        self.assertEqual(ReviewNotice.objects.count(), 1)
        self.assertEqual(callbacks, [])  # the other request tells the staff

    # --8<-- [end:race]


# --8<-- [start:careless_notice]
def notify_without_a_savepoint(sender, instance, **kwargs):
    if instance.published:
        # "Already notified": but the failed INSERT broke the caller's transaction.
        with suppress(IntegrityError):
            ReviewNotice.objects.create(review=instance)


# --8<-- [end:careless_notice]


# --8<-- [start:savepoint_notice]
def notify_in_a_savepoint(sender, instance, **kwargs):
    if instance.published:
        # atomic() inside suppress(): the failed INSERT rolls back to the
        # savepoint, then the error is dropped. The caller's transaction is fine.
        with suppress(IntegrityError), transaction.atomic():
            ReviewNotice.objects.create(review=instance)


# --8<-- [end:savepoint_notice]


class IntegrityErrorInAReceiverTests(TestCase):
    """The review is published and the staff notified; then it is edited."""

    def setUp(self):
        self.review = Review.objects.create(product=lamp(), rating=5, published=True)

    # --8<-- [start:broken_transaction]
    def test_without_a_savepoint_the_callers_next_query_fails(self):
        with (
            replaced(signals.notify_staff, notify_without_a_savepoint, Review),
            transaction.atomic(),  # the caller's, or ATOMIC_REQUESTS
        ):
            self.review.rating = 4
            self.review.save()  # returns as if all went well
            with self.assertRaises(TransactionManagementError):
                Review.objects.count()

    def test_without_a_savepoint_the_callers_work_is_rolled_back_silently(self):
        with (
            replaced(signals.notify_staff, notify_without_a_savepoint, Review),
            transaction.atomic(),
        ):
            self.review.rating = 4
            self.review.save()
        # The block ended without an exception, and without the change.

        self.assertEqual(Review.objects.get().rating, 5)

    def test_with_a_savepoint_the_caller_carries_on(self):
        with (
            replaced(signals.notify_staff, notify_in_a_savepoint, Review),
            transaction.atomic(),
        ):
            self.review.rating = 4
            self.review.save()
            self.assertEqual(Review.objects.count(), 1)

        self.assertEqual(Review.objects.get().rating, 4)
        self.assertEqual(ReviewNotice.objects.count(), 1)

    # --8<-- [end:broken_transaction]

    def test_the_apps_receiver_keeps_the_callers_transaction_too(self):
        with transaction.atomic():
            self.review.rating = 4
            self.review.save()
            self.assertEqual(Review.objects.count(), 1)

        self.assertEqual(Review.objects.get().rating, 4)
        self.assertEqual(ReviewNotice.objects.count(), 1)


class IntegrityErrorInAutocommitTests(TransactionTestCase):
    # --8<-- [start:hidden]
    def test_outside_a_transaction_the_careless_receiver_looks_fine(self):
        review = Review.objects.create(product=lamp(), rating=5, published=True)
        with replaced(signals.notify_staff, notify_without_a_savepoint, Review):
            review.rating = 4
            review.save()  # autocommit: no transaction to break

        self.assertEqual(Review.objects.get().rating, 4)

    # --8<-- [end:hidden]
