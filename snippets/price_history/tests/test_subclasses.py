"""A proxy or a multi-table child sends as itself: connect the receivers for it."""

from decimal import Decimal

from django.db import connection, models
from django.db.models.signals import post_init, post_save, pre_save
from django.test import TestCase, TransactionTestCase
from django.test.utils import isolate_apps

from .. import signals
from ..models import PriceChange, Product
from .helpers import recorded


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
        with recorded(post_save) as calls:
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
                with recorded(post_save) as calls:
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
