"""pre_init and post_init: what they get, and what a receiver costs per row."""

from decimal import Decimal
from unittest import skipUnless

import django
from django.db import models
from django.db.models import DEFERRED
from django.db.models.signals import post_init, pre_init
from django.test import TestCase

from ..models import PriceChange, Product
from .helpers import recorded


class InitSignalTests(TestCase):
    def test_pre_init_gets_the_constructor_arguments(self):
        seen = []

        def receiver(sender, args, kwargs, **extra):
            seen.append((args, dict(kwargs)))  # a copy, taken during the call

        pre_init.connect(receiver, sender=Product)
        try:
            Product(name="Lamp", price=Decimal("9.99"))
        finally:
            pre_init.disconnect(receiver, sender=Product)

        self.assertEqual(seen, [((), {"name": "Lamp", "price": Decimal("9.99")})])

    def test_model_init_empties_the_kwargs_dict_it_sent(self):
        # __init__ pops each field from the very dict pre_init received.
        with recorded(pre_init, sender=Product) as calls:
            Product(name="Lamp", price=Decimal("9.99"))

        self.assertEqual(calls[0]["kwargs"], {})
        self.assertEqual(set(calls[0]), {"signal", "sender", "args", "kwargs"})

    def test_a_loaded_row_arrives_as_positional_args(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with recorded(pre_init, sender=Product) as calls:
            Product.objects.get(pk=product.pk)

        self.assertEqual(calls[0]["args"], (product.pk, "Lamp", Decimal("9.99")))
        self.assertEqual(calls[0]["kwargs"], {})

    def test_a_field_left_out_of_the_query_arrives_as_deferred(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with recorded(pre_init, sender=Product) as calls:
            Product.objects.only("name").get(pk=product.pk)

        self.assertEqual(calls[0]["args"], (product.pk, "Lamp", DEFERRED))

    def test_post_init_gets_the_finished_instance(self):
        with recorded(post_init, sender=Product) as calls:
            product = Product(name="Lamp", price=Decimal("9.99"))

        self.assertEqual([c["instance"] for c in calls], [product])
        self.assertIs(calls[0]["instance"], product)

    def test_post_init_runs_once_for_every_row_a_queryset_loads(self):
        Product.objects.bulk_create(
            [Product(name=f"Lamp {i}", price=Decimal("9.99")) for i in range(3)]
        )

        with recorded(post_init, sender=Product) as calls:
            products = list(Product.objects.all())

        self.assertEqual([c["instance"] for c in calls], products)
        self.assertEqual(len(calls), 3)

    def test_the_receiver_adds_no_query_for_deferred_fields(self):
        Product.objects.bulk_create(
            [Product(name=f"Lamp {i}", price=Decimal("9.99")) for i in range(3)]
        )

        with self.assertNumQueries(1):
            products = list(Product.objects.only("name"))

        self.assertEqual([p._original_price for p in products], [None] * 3)

    def test_loading_a_deferred_field_sends_post_init_for_another_instance(self):
        created = Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.defer("price").get(pk=created.pk)

        with recorded(post_init, sender=Product) as calls:
            product.price  # noqa: B018 -- loads it through refresh_from_db()
            product.refresh_from_db()

        # refresh_from_db() loads a second instance and copies its values.
        self.assertEqual(len(calls), 2)
        self.assertTrue(all(c["instance"] is not product for c in calls))

    @skipUnless(django.VERSION >= (6, 1), "fetch modes are new in Django 6.1")
    def test_fetch_peers_loads_a_deferred_field_without_any_post_init(self):
        Product.objects.bulk_create(
            [Product(name=f"Lamp {i}", price=Decimal("9.99")) for i in range(3)]
        )
        products = list(Product.objects.only("name").fetch_mode(models.FETCH_PEERS))

        with recorded(post_init, sender=Product) as calls, self.assertNumQueries(1):
            prices = [product.price for product in products]

        self.assertEqual(prices, [Decimal("9.99")] * 3)
        self.assertEqual(calls, [])
        products[0].price = Decimal("8.99")  # the history still follows
        products[0].save()
        change = PriceChange.objects.get()
        self.assertEqual(
            (change.old_price, change.new_price), (prices[0], Decimal("8.99"))
        )

    # --8<-- [start:careless]
    def test_reading_a_deferred_field_in_post_init_costs_a_query_per_row(self):
        Product.objects.bulk_create(
            [Product(name=f"Lamp {i}", price=Decimal("9.99")) for i in range(3)]
        )

        def careless(sender, instance, **kwargs):
            instance.price  # noqa: B018 -- loads the deferred field

        post_init.connect(careless, sender=Product)
        try:
            with self.assertNumQueries(1 + 3):
                list(Product.objects.only("name"))
        finally:
            post_init.disconnect(careless, sender=Product)

    # --8<-- [end:careless]
