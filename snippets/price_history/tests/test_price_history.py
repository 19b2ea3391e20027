"""The app at work: each new price is recorded, and logged once committed."""

from contextlib import suppress
from decimal import Decimal
from unittest import skipIf, skipUnless

import django
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import TestCase

from ..models import PriceChange, Product


class PriceHistoryTests(TestCase):
    def setUp(self):
        self.product = Product.objects.create(name="Lamp", price=Decimal("20.00"))

    def history(self):
        return list(
            PriceChange.objects.filter(product=self.product).values_list(
                "old_price", "new_price"
            )
        )

    def test_creating_a_product_records_no_change(self):
        self.assertEqual(self.history(), [])

    def test_a_new_price_is_recorded_and_logged_once_committed(self):
        self.product.price = Decimal("25.00")
        with (
            self.assertLogs("price_history.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.product.save()
            self.assertEqual(logs.output, [])  # not committed yet

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("25.00"))])
        self.assertEqual(
            logs.output,
            [
                "INFO:price_history.signals:Price of product "
                f"{self.product.pk} changed from 20.00 to 25.00"
            ],
        )

    def test_each_change_is_compared_with_the_last_saved_price(self):
        for price in ("25.00", "30.00"):
            self.product.price = Decimal(price)
            self.product.save()

        self.assertEqual(
            self.history(),
            [
                (Decimal("20.00"), Decimal("25.00")),
                (Decimal("25.00"), Decimal("30.00")),
            ],
        )

    def test_saving_an_unchanged_price_records_nothing(self):
        self.product.name = "Desk lamp"
        self.product.save()

        self.assertEqual(self.history(), [])

    def test_a_loaded_row_compares_with_the_price_it_was_loaded_with(self):
        product = Product.objects.get(pk=self.product.pk)
        product.price = Decimal("18.00")
        product.save()

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("18.00"))])

    def test_a_save_that_skips_the_price_records_nothing_until_it_is_written(self):
        self.product.price = Decimal("25.00")
        self.product.save(update_fields=["name"])
        self.assertEqual(self.history(), [])

        self.product.save()
        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("25.00"))])

    def test_a_price_set_on_a_row_loaded_without_it_is_recorded(self):
        product = Product.objects.only("name").get(pk=self.product.pk)
        product.price = Decimal("99.00")
        product.save()

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("99.00"))])

    def test_a_deferred_price_read_later_is_recorded(self):
        product = Product.objects.defer("price").get(pk=self.product.pk)
        self.assertEqual(product.price, Decimal("20.00"))  # a query loads it
        product.price = Decimal("30.00")
        product.save()

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("30.00"))])

    def test_a_loaded_price_costs_no_extra_query(self):
        product = Product.objects.get(pk=self.product.pk)
        product.price = Decimal("25.00")

        with self.assertNumQueries(2):  # the UPDATE and the history row
            product.save()

    def test_a_price_left_out_of_the_query_costs_one_query_when_saved(self):
        product = Product.objects.only("name").get(pk=self.product.pk)
        product.name = "Desk lamp"
        with self.assertNumQueries(1):  # update_fields={"name"}: no lookup
            product.save()

        product.price = Decimal("25.00")
        with self.assertNumQueries(3):  # SELECT price, UPDATE, history row
            product.save()

    def test_once_committed_the_saved_price_is_remembered(self):
        self.product.price = Decimal("25.00")
        with self.captureOnCommitCallbacks(execute=True):
            self.product.save()

        self.product.price = Decimal("30.00")
        with self.assertNumQueries(2):  # no SELECT: 25.00 is known
            self.product.save()

    def test_before_the_commit_the_next_save_reads_the_stored_price(self):
        self.product.price = Decimal("25.00")
        self.product.save()  # TestCase never commits

        self.product.price = Decimal("30.00")
        with self.assertNumQueries(3):
            self.product.save()
        self.assertEqual(self.history()[-1], (Decimal("25.00"), Decimal("30.00")))

    def test_a_rolled_back_save_leaves_no_row_and_logs_nothing(self):
        self.product.price = Decimal("25.00")
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            suppress(RuntimeError),
            transaction.atomic(),
        ):
            self.product.save()
            raise RuntimeError("the rest of the request failed")

        self.assertEqual(self.history(), [])
        self.assertEqual(callbacks, [])

    def test_a_save_retried_after_a_rollback_is_recorded(self):
        self.product.price = Decimal("25.00")
        with suppress(RuntimeError), transaction.atomic():
            self.product.save()
            raise RuntimeError("the rest of the request failed")
        self.assertEqual(self.history(), [])  # rolled back with the save

        self.product.save()  # the same instance, still holding 25.00

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("25.00"))])

    def test_a_price_computed_by_the_database_is_recorded(self):
        self.product.price = F("price") + Decimal("5.00")
        self.product.save()

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("25.00"))])

    @skipUnless(django.VERSION >= (6, 0), "save() reads expressions back from 6.0")
    def test_save_reads_a_computed_price_back(self):
        self.product.price = F("price") + Decimal("5.00")
        self.product.save()

        self.assertEqual(self.product.price, Decimal("25.00"))

    @skipIf(django.VERSION >= (6, 0), "Django 6.0 reads the computed price back")
    def test_before_django_6_0_the_instance_keeps_the_expression(self):
        self.product.price = F("price") + Decimal("5.00")
        self.product.save()

        self.assertTrue(hasattr(self.product.price, "resolve_expression"))
        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("25.00"))])

    def test_a_price_given_as_a_string_is_compared_as_a_number(self):
        self.product.price = "20.00"
        self.product.save()
        self.product.price = "21.5"
        self.product.save()

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("21.50"))])

    def test_a_product_built_with_the_pk_of_a_stored_row(self):
        Product(pk=self.product.pk, name="Lamp", price=Decimal("15.00")).save()

        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("15.00"))])

    def test_loaddata_leaves_the_history_to_the_fixture(self):
        call_command("loaddata", "price_history.json", verbosity=0)

        self.assertEqual(
            list(PriceChange.objects.filter(product=50).values_list("pk", flat=True)),
            [9],
        )
