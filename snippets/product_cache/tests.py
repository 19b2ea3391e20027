import time
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.db.models.signals import post_delete, post_save
from django.test import TestCase, TransactionTestCase, override_settings

from . import signals
from .models import Product
from .services import (
    PRICE_LIST_KEY,
    PRICE_LIST_TIMEOUT,
    cached_price_list,
    invalidate_price_list,
    raise_prices,
)

# A cache of these tests' own, so no other app's entries get in the way.
TEST_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "product_cache-tests",
    }
}


@contextmanager
def receivers_disconnected():
    """Run a block as if this app had no receivers: what a naive cache gets."""
    uid = "product_cache.clear_price_list"
    post_save.disconnect(sender=Product, dispatch_uid=uid)
    post_delete.disconnect(sender=Product, dispatch_uid=uid)
    try:
        yield
    finally:
        receiver = signals.clear_price_list
        post_save.connect(receiver, sender=Product, dispatch_uid=uid)
        post_delete.connect(receiver, sender=Product, dispatch_uid=uid)


@override_settings(CACHES=TEST_CACHES)
class PriceListCacheTests(TestCase):
    def setUp(self):
        cache.clear()
        self.tea = Product.objects.create(name="Tea", price=Decimal("3.00"))

    def test_the_first_read_fills_the_cache(self):
        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

        self.assertEqual(cache.get(PRICE_LIST_KEY), [("Tea", Decimal("3.00"))])

    def test_later_reads_come_from_the_cache(self):
        cached_price_list()

        with self.assertNumQueries(0):
            self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

    def test_without_the_receivers_a_save_leaves_the_list_stale(self):
        cached_price_list()

        with receivers_disconnected(), self.captureOnCommitCallbacks(execute=True):
            self.tea.price = Decimal("4.00")
            self.tea.save()

        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

    def test_with_the_receivers_a_save_clears_the_list(self):
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            self.tea.price = Decimal("4.00")
            self.tea.save()

        self.assertEqual(cached_price_list(), [("Tea", Decimal("4.00"))])

    def test_a_new_product_clears_the_list(self):
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.create(name="Coffee", price=Decimal("2.50"))

        self.assertEqual(
            cached_price_list(), [("Coffee", Decimal("2.50")), ("Tea", Decimal("3.00"))]
        )

    def test_a_delete_clears_the_list(self):
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            self.tea.delete()

        self.assertEqual(cached_price_list(), [])

    def test_a_queryset_delete_clears_the_list_too(self):
        # QuerySet.delete() loads the rows and sends post_delete for each.
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.all().delete()

        self.assertEqual(cached_price_list(), [])

    def test_the_cache_is_cleared_only_when_the_transaction_commits(self):
        cached_price_list()

        with self.captureOnCommitCallbacks() as callbacks:
            self.tea.price = Decimal("4.00")
            self.tea.save()
            # Not committed yet: the cached list is untouched.
            self.assertEqual(cache.get(PRICE_LIST_KEY), [("Tea", Decimal("3.00"))])

        self.assertEqual(callbacks, [invalidate_price_list])
        callbacks[0]()
        self.assertIsNone(cache.get(PRICE_LIST_KEY))

    def test_loaddata_clears_the_list_too(self):
        # loaddata saves with raw=True; the receiver must not skip those.
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            call_command("loaddata", "product_cache_products.json", verbosity=0)

        self.assertIn(("Tea", Decimal("3.50")), cached_price_list())


@override_settings(CACHES=TEST_CACHES)
class BulkWriteTests(TestCase):
    """Bulk writes send no model signals: someone must invalidate by hand."""

    def setUp(self):
        cache.clear()
        self.tea = Product.objects.create(name="Tea", price=Decimal("3.00"))
        cached_price_list()

    def test_queryset_update_leaves_the_list_stale(self):
        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.update(price=Decimal("4.00"))

        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

    def test_bulk_create_leaves_the_list_stale(self):
        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.bulk_create([Product(name="Coffee", price=Decimal("2"))])

        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

    def test_bulk_update_leaves_the_list_stale(self):
        self.tea.price = Decimal("4.00")
        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.bulk_update([self.tea], ["price"])

        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

    def test_the_bulk_service_clears_the_list_itself(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            changed = raise_prices(Decimal("0.50"))

        self.assertEqual(changed, 1)
        self.assertEqual(callbacks, [invalidate_price_list])
        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.50"))])

    def test_the_timeout_bounds_how_long_a_stale_list_lives(self):
        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.update(price=Decimal("4.00"))
        later = time.time() + PRICE_LIST_TIMEOUT + 1

        with mock.patch("time.time", return_value=later):
            self.assertEqual(cached_price_list(), [("Tea", Decimal("4.00"))])


@override_settings(CACHES=TEST_CACHES)
class CacheOutageTests(TransactionTestCase):
    # A TransactionTestCase, so the save really commits and the real
    # on_commit machinery runs the callback.

    def test_a_failing_cache_does_not_fail_the_save(self):
        broken_cache = mock.Mock(**{"delete.side_effect": ConnectionError("down")})

        with (
            mock.patch("product_cache.services.cache", broken_cache),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
        ):
            Product.objects.create(name="Tea", price=Decimal("3.00"))

        self.assertTrue(Product.objects.filter(name="Tea").exists())
        self.assertIn("invalidate_price_list", logs.output[0])
