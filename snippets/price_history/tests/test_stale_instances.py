"""Two instances of one row: each compares with the price it was loaded with."""

from decimal import Decimal

from django.db import transaction
from django.test import TestCase

from ..models import PriceChange, Product


class StaleInstanceTests(TestCase):
    """Each instance compares with the price it was loaded with."""

    def setUp(self):
        self.product = Product.objects.create(name="Lamp", price=Decimal("20.00"))

    def history(self):
        return list(PriceChange.objects.values_list("old_price", "new_price"))

    def test_two_instances_loaded_before_either_saves(self):
        first = Product.objects.get(pk=self.product.pk)
        second = Product.objects.get(pk=self.product.pk)
        first.price = Decimal("30.00")
        first.save()
        second.price = Decimal("40.00")
        second.save()

        # The database went 20 -> 30 -> 40; each row says what its instance saw.
        self.assertEqual(
            self.history(),
            [
                (Decimal("20.00"), Decimal("30.00")),
                (Decimal("20.00"), Decimal("40.00")),
            ],
        )

    def test_a_stale_instance_writes_its_old_price_back_unrecorded(self):
        stale = Product.objects.get(pk=self.product.pk)
        fresh = Product.objects.get(pk=self.product.pk)
        fresh.price = Decimal("30.00")
        fresh.save()

        stale.name = "Desk lamp"
        stale.save()  # a plain save() writes every field, 20.00 included

        self.assertEqual(Product.objects.get().price, Decimal("20.00"))
        self.assertEqual(self.history(), [(Decimal("20.00"), Decimal("30.00"))])

    def test_refresh_from_db_does_not_change_the_remembered_price(self):
        product = Product.objects.get(pk=self.product.pk)
        other = Product.objects.get(pk=self.product.pk)
        other.price = Decimal("30.00")
        other.save()

        product.refresh_from_db()  # now holds 30.00, remembers 20.00
        product.price = Decimal("40.00")
        product.save()

        self.assertEqual(self.history()[-1], (Decimal("20.00"), Decimal("40.00")))

    # --8<-- [start:locked]
    def test_load_change_and_save_in_one_transaction_under_a_row_lock(self):
        for price in ("30.00", "40.00"):
            with transaction.atomic():
                product = Product.objects.select_for_update().get(pk=self.product.pk)
                product.price = Decimal(price)
                product.save()

        self.assertEqual(
            self.history(),
            [
                (Decimal("20.00"), Decimal("30.00")),
                (Decimal("30.00"), Decimal("40.00")),
            ],
        )

    # --8<-- [end:locked]
