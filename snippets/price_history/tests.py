from contextlib import ExitStack, contextmanager, suppress
from decimal import Decimal
from unittest import skipIf, skipUnless

import django
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import DEFERRED, F
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
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from django.test.utils import isolate_apps

from . import signals
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

    def test_a_field_left_out_of_the_query_arrives_as_deferred(self):
        product = Product.objects.create(name="Lamp", price=Decimal("9.99"))

        with captured(pre_init, sender=Product) as calls:
            Product.objects.only("name").get(pk=product.pk)

        self.assertEqual(calls[0]["args"], (product.pk, "Lamp", DEFERRED))

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

    def test_loading_a_deferred_field_sends_post_init_for_another_instance(self):
        created = Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.defer("price").get(pk=created.pk)

        with captured(post_init, sender=Product) as calls:
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

        with captured(post_init, sender=Product) as calls, self.assertNumQueries(1):
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

    def test_update_fields_is_none_once_the_deferred_field_is_assigned(self):
        Product.objects.create(name="Lamp", price=Decimal("9.99"))
        product = Product.objects.only("name").get()
        product.price = Decimal("12.00")  # no longer deferred

        with captured(post_save, sender=Product) as calls:
            product.save()

        self.assertIsNone(calls[0]["update_fields"])
        self.assertEqual(Product.objects.get().price, Decimal("12.00"))

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


class SubclassTests(TestCase):
    """Django sends model signals with the instance's own class as sender."""

    @isolate_apps("price_history")
    def test_a_proxy_model_is_another_sender(self):
        class SaleProduct(Product):
            class Meta:
                proxy = True
                app_label = "price_history"

        product = SaleProduct.objects.create(name="Lamp", price=Decimal("20.00"))
        product.price = Decimal("15.00")
        with captured(post_save) as calls:
            product.save()

        self.assertEqual([c["sender"] for c in calls], [SaleProduct])
        self.assertFalse(PriceChange.objects.exists())

    # --8<-- [start:proxy]
    @isolate_apps("price_history")
    def test_connect_the_receivers_for_each_proxy_too(self):
        class SaleProduct(Product):
            class Meta:
                proxy = True
                app_label = "price_history"

        for signal, receiver in (
            (post_init, signals.remember_price),
            (pre_save, signals.read_stored_price),
            (post_save, signals.record_price_change),
        ):
            signal.connect(receiver, sender=SaleProduct)
            self.addCleanup(signal.disconnect, receiver, sender=SaleProduct)

        product = SaleProduct.objects.create(name="Lamp", price=Decimal("20.00"))
        product.price = Decimal("15.00")
        product.save()

        self.assertEqual(
            list(PriceChange.objects.values_list("old_price", "new_price")),
            [(Decimal("20.00"), Decimal("15.00"))],
        )

    # --8<-- [end:proxy]


class ChildModelTests(TransactionTestCase):
    """A multi-table child needs its own table: created here, outside a transaction."""

    def test_a_multi_table_child_is_another_sender(self):
        with isolate_apps("price_history"):

            class Bundle(Product):
                size = models.PositiveIntegerField(default=2)

                class Meta:
                    app_label = "price_history"

            with connection.schema_editor() as editor:
                editor.create_model(Bundle)
            try:
                bundle = Bundle.objects.create(name="Two lamps", price=Decimal("40"))
                bundle.price = Decimal("35.00")
                with captured(post_save) as calls:
                    bundle.save()  # also updates the Product row, unannounced

                self.assertEqual([c["sender"] for c in calls], [Bundle])
                self.assertFalse(PriceChange.objects.exists())

                post_save.connect(signals.record_price_change, sender=Bundle)
                self.addCleanup(
                    post_save.disconnect, signals.record_price_change, sender=Bundle
                )
                pre_save.connect(signals.read_stored_price, sender=Bundle)
                self.addCleanup(
                    pre_save.disconnect, signals.read_stored_price, sender=Bundle
                )
                bundle.price = Decimal("30.00")
                bundle.save()  # connected for Bundle too: recorded

                change = PriceChange.objects.get()
                self.assertEqual(change.product_id, bundle.pk)
                self.assertEqual(
                    (change.old_price, change.new_price),
                    (Decimal("35.00"), Decimal("30.00")),
                )
            finally:
                with connection.schema_editor() as editor:
                    editor.delete_model(Bundle)


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
