"""The price history reads the old price under a lock, inside atomic() only."""

from decimal import Decimal

from django.core import serializers
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_init, post_save, pre_save
from django.db.transaction import TransactionManagementError
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from ..models import PriceChange, Product
from .helpers import LOGGER, connected, lamp, statements, stored


def history():
    return list(PriceChange.objects.values_list("old_price", "new_price"))


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
