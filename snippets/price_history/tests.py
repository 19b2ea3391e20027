from contextlib import ExitStack, contextmanager
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.db.models.signals import (
    class_prepared,
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)
from django.test import SimpleTestCase, TestCase
from django.test.utils import isolate_apps

from .models import PriceChange, Product


@contextmanager
def captured(signal, sender=None):
    """Collect the keyword arguments of every send while the block runs."""
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=sender)


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
        with captured(pre_init, sender=Product) as calls:
            Product(name="Lamp", price=Decimal("9.99"))

        self.assertEqual(calls[0]["kwargs"], {})
        self.assertEqual(set(calls[0]), {"signal", "sender", "args", "kwargs"})

    def test_a_loaded_row_arrives_as_positional_args(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with captured(pre_init, sender=Product) as calls:
            Product.objects.get(pk=product.pk)

        self.assertEqual(calls[0]["args"], (product.pk, "Lamp", Decimal("9.99")))
        self.assertEqual(calls[0]["kwargs"], {})

    def test_post_init_gets_the_finished_instance(self):
        with captured(post_init, sender=Product) as calls:
            product = Product(name="Lamp", price=Decimal("9.99"))

        self.assertEqual([c["instance"] for c in calls], [product])
        self.assertIs(calls[0]["instance"], product)

    def test_post_init_runs_once_for_every_row_a_queryset_loads(self):
        Product.objects.bulk_create(
            [Product(name=f"Lamp {i}", price=Decimal("9.99")) for i in range(3)]
        )

        with captured(post_init, sender=Product) as calls:
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


class SaveSignalArgumentTests(TestCase):
    def test_created_is_true_only_for_the_insert(self):
        with captured(post_save, sender=Product) as calls:
            product = Product.objects.create(name="Lamp", price=Decimal("9.99"))
            product.save()

        self.assertEqual([c["created"] for c in calls], [True, False])

    def test_pre_save_and_post_save_get_the_same_instance(self):
        product = Product(name="Lamp", price=Decimal("9.99"))

        with (
            captured(pre_save, sender=Product) as before,
            captured(post_save, sender=Product) as after,
        ):
            product.save()

        self.assertIs(before[0]["instance"], product)
        self.assertIs(after[0]["instance"], product)
        common = {"signal", "sender", "instance", "raw", "using", "update_fields"}
        self.assertEqual(set(before[0]), common)  # no created: nothing written yet
        self.assertEqual(set(after[0]), common | {"created"})

    def test_update_fields_is_none_for_a_plain_save(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with captured(post_save, sender=Product) as calls:
            product.save()

        self.assertIsNone(calls[0]["update_fields"])

    def test_update_fields_is_a_frozenset_of_the_names_given(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with captured(post_save, sender=Product) as calls:
            product.save(update_fields=["name"])

        self.assertEqual(calls[0]["update_fields"], frozenset({"name"}))

    def test_update_fields_is_filled_in_for_an_only_row(self):
        Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.only("name").get()

        with captured(post_save, sender=Product) as calls:
            product.save()

        self.assertEqual(calls[0]["update_fields"], frozenset({"name"}))

    def test_update_fields_is_filled_in_for_a_defer_row(self):
        Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.defer("price").get()

        with captured(post_save, sender=Product) as calls:
            product.save()

        self.assertEqual(calls[0]["update_fields"], frozenset({"name"}))

    def test_loaddata_sends_raw_true(self):
        with (
            captured(pre_save, sender=Product) as before,
            captured(post_save, sender=Product) as after,
        ):
            call_command("loaddata", "price_history.json", verbosity=0)

        self.assertEqual([c["raw"] for c in before + after], [True, True])

    def test_an_ordinary_save_sends_raw_false(self):
        with captured(post_save, sender=Product) as calls:
            Product.objects.create(name="Lamp", price=Decimal("9.99"))

        self.assertIs(calls[0]["raw"], False)


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

    def test_a_new_price_is_recorded_and_logged(self):
        self.product.price = Decimal("25.00")
        with self.assertLogs("price_history.signals", "INFO") as logs:
            self.product.save()

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

    def test_loaddata_leaves_the_history_to_the_fixture(self):
        call_command("loaddata", "price_history.json", verbosity=0)

        self.assertEqual(
            list(PriceChange.objects.filter(product=50).values_list("pk", flat=True)),
            [9],
        )


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
                stack.enter_context(captured(s, sender=Product)) for s in MODEL_SIGNALS
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


# --8<-- [start:class_prepared]
class ClassPreparedTests(SimpleTestCase):
    @isolate_apps("price_history")
    def test_class_prepared_is_sent_once_a_model_class_is_built(self):
        with captured(class_prepared) as calls:

            class Coupon(models.Model):
                code = models.CharField(max_length=20)

                class Meta:
                    app_label = "price_history"

                def __str__(self):
                    return self.code

        self.assertEqual(calls, [{"signal": class_prepared, "sender": Coupon}])
        with self.assertRaises(LookupError):  # not in the project's registry
            apps.get_model("price_history", "Coupon")


# --8<-- [end:class_prepared]
