"""The arguments of pre_save and post_save: created, update_fields and raw."""

from decimal import Decimal

from django.core.management import call_command
from django.db.models.signals import post_save, pre_save
from django.test import TestCase

from ..models import Product
from .helpers import recorded


class SaveSignalArgumentTests(TestCase):
    def test_created_is_true_only_for_the_insert(self):
        with recorded(post_save, sender=Product) as calls:
            product = Product.objects.create(name="Lamp", price=Decimal("9.99"))
            product.save()

        self.assertEqual([c["created"] for c in calls], [True, False])

    def test_pre_save_and_post_save_get_the_same_instance(self):
        product = Product(name="Lamp", price=Decimal("9.99"))

        with (
            recorded(pre_save, sender=Product) as before,
            recorded(post_save, sender=Product) as after,
        ):
            product.save()

        self.assertIs(before[0]["instance"], product)
        self.assertIs(after[0]["instance"], product)
        common = {"signal", "sender", "instance", "raw", "using", "update_fields"}
        self.assertEqual(set(before[0]), common)  # no created: nothing written yet
        self.assertEqual(set(after[0]), common | {"created"})

    def test_update_fields_is_none_for_a_plain_save(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with recorded(post_save, sender=Product) as calls:
            product.save()

        self.assertIsNone(calls[0]["update_fields"])

    def test_update_fields_is_a_frozenset_of_the_names_given(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with recorded(post_save, sender=Product) as calls:
            product.save(update_fields=["name"])

        self.assertEqual(calls[0]["update_fields"], frozenset({"name"}))

    def test_update_fields_is_filled_in_for_an_only_row(self):
        Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.only("name").get()

        with recorded(post_save, sender=Product) as calls:
            product.save()

        self.assertEqual(calls[0]["update_fields"], frozenset({"name"}))

    def test_update_fields_is_filled_in_for_a_defer_row(self):
        Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.defer("price").get()

        with recorded(post_save, sender=Product) as calls:
            product.save()

        self.assertEqual(calls[0]["update_fields"], frozenset({"name"}))

    def test_update_fields_is_none_once_the_deferred_field_is_assigned(self):
        Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.only("name").get()
        product.price = Decimal("12.00")  # no longer deferred

        with recorded(post_save, sender=Product) as calls:
            product.save()

        self.assertIsNone(calls[0]["update_fields"])
        self.assertEqual(Product.objects.get().price, Decimal("12.00"))

    def test_loaddata_sends_raw_true(self):
        with (
            recorded(pre_save, sender=Product) as before,
            recorded(post_save, sender=Product) as after,
        ):
            call_command("loaddata", "price_history.json", verbosity=0)

        self.assertEqual([c["raw"] for c in before + after], [True, True])

    def test_an_ordinary_save_sends_raw_false(self):
        with recorded(post_save, sender=Product) as calls:
            Product.objects.create(name="Lamp", price=Decimal("9.99"))

        self.assertIs(calls[0]["raw"], False)
