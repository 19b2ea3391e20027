import time
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.db.models.signals import post_delete, post_save
from django.test import TestCase, TransactionTestCase, override_settings

from . import services, signals
from .models import Product
from .services import (
    PRICE_LIST_KEY,
    PRICE_LIST_TIMEOUT,
    cached_price_list,
    raise_prices,
    refresh_price_list,
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
    uid = "product_cache.refresh_price_list"
    post_save.disconnect(sender=Product, dispatch_uid=uid)
    post_delete.disconnect(sender=Product, dispatch_uid=uid)
    try:
        yield
    finally:
        receiver = signals.refresh_price_list_on_change
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

    def test_with_the_receivers_a_save_refreshes_the_list(self):
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            self.tea.price = Decimal("4.00")
            self.tea.save()

        self.assertEqual(cached_price_list(), [("Tea", Decimal("4.00"))])

    def test_a_new_product_refreshes_the_list(self):
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.create(name="Coffee", price=Decimal("2.50"))

        self.assertEqual(
            cached_price_list(), [("Coffee", Decimal("2.50")), ("Tea", Decimal("3.00"))]
        )

    def test_a_delete_refreshes_the_list(self):
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            self.tea.delete()

        self.assertEqual(cached_price_list(), [])

    def test_a_queryset_delete_refreshes_the_list_too(self):
        # QuerySet.delete() loads the rows and sends post_delete for each.
        cached_price_list()

        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.all().delete()

        self.assertEqual(cached_price_list(), [])

    def test_the_list_is_refreshed_only_when_the_transaction_commits(self):
        cached_price_list()

        with self.captureOnCommitCallbacks() as callbacks:
            self.tea.price = Decimal("4.00")
            self.tea.save()
            # Not committed yet: the cached list is untouched.
            self.assertEqual(cache.get(PRICE_LIST_KEY), [("Tea", Decimal("3.00"))])

        self.assertEqual(callbacks, [refresh_price_list])
        callbacks[0]()
        self.assertEqual(cache.get(PRICE_LIST_KEY), [("Tea", Decimal("4.00"))])

    def test_loaddata_refreshes_the_list_too(self):
        # loaddata saves with raw=True; the receiver must not skip those.
        # The fixture's Tea has pk 1. PostgreSQL does not roll its sequences
        # back with a test's transaction, so this test's Tea may have another
        # pk: make way for the fixture's row. The cached list keeps the old Tea.
        cached_price_list()
        Product.objects.all().delete()  # no on_commit callbacks run in a TestCase

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

    def test_the_bulk_service_refreshes_the_list_itself(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            changed = raise_prices(Decimal("0.50"))

        self.assertEqual(changed, 1)
        self.assertEqual(callbacks, [refresh_price_list])
        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.50"))])

    def test_the_timeout_bounds_how_long_a_stale_list_lives(self):
        cached_price_list()
        with self.captureOnCommitCallbacks(execute=True):
            Product.objects.update(price=Decimal("4.00"))
        later = time.time() + PRICE_LIST_TIMEOUT + 1

        with mock.patch("time.time", return_value=later):
            self.assertEqual(cached_price_list(), [("Tea", Decimal("4.00"))])

    def test_a_stale_list_is_served_for_five_minutes_at_most(self):
        filled_at = time.time()
        cached_price_list()
        Product.objects.update(price=Decimal("4.00"))  # sends no signal

        with mock.patch("time.time", return_value=filled_at + 4 * 60 + 59):
            self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])
        with mock.patch("time.time", return_value=filled_at + 5 * 60 + 1):
            self.assertEqual(cached_price_list(), [("Tea", Decimal("4.00"))])


@override_settings(CACHES=TEST_CACHES)
class CacheOutageTests(TransactionTestCase):
    # A TransactionTestCase, so the save really commits and the real
    # on_commit machinery runs the callback.

    def test_a_failing_cache_does_not_fail_the_save(self):
        broken_cache = mock.Mock(**{"set.side_effect": ConnectionError("down")})

        with (
            mock.patch("product_cache.services.cache", broken_cache),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
        ):
            Product.objects.create(name="Tea", price=Decimal("3.00"))

        self.assertTrue(Product.objects.filter(name="Tea").exists())
        self.assertIn("refresh_price_list", logs.output[0])

    def test_a_failing_cache_does_not_fail_the_bulk_service(self):
        Product.objects.create(name="Tea", price=Decimal("3.00"))
        broken_cache = mock.Mock(**{"set.side_effect": ConnectionError("down")})

        with (
            mock.patch("product_cache.services.cache", broken_cache),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
        ):
            changed = raise_prices(Decimal("0.50"))

        self.assertEqual(changed, 1)
        self.assertEqual(Product.objects.get(name="Tea").price, Decimal("3.50"))
        self.assertIn("refresh_price_list", logs.output[0])


@contextmanager
def right_after_the_next_build(write):
    """Run write() once, just after the next price list has been built.

    That is the moment the race needs: a reader has read the old rows and
    has not yet stored its list.
    """
    real_build = services._build_price_list
    pending = [write]

    def build():
        result = real_build()
        if pending:
            pending.pop()()
        return result

    with mock.patch.object(services, "_build_price_list", build):
        yield


# Real commits: outside an atomic block each save commits at once, and its
# on_commit callbacks run straight after, as they do in production.
@override_settings(CACHES=TEST_CACHES)
class CacheRaceTests(TransactionTestCase):
    def setUp(self):
        cache.clear()

    def test_a_reader_that_built_the_list_before_a_commit_cannot_cache_it(self):
        def write():
            Product.objects.create(name="Tea", price=Decimal("3.00"))

        with right_after_the_next_build(write):
            cached_price_list()  # read no rows, then the write committed

        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])

    def test_two_changes_committed_together_can_leave_the_older_list(self):
        # The first change's callback builds its list; before it stores it,
        # a second change commits and stores its own. Then the older one wins.
        def second():
            Product.objects.create(name="Coffee", price=Decimal("2.50"))

        with right_after_the_next_build(second):
            Product.objects.create(name="Tea", price=Decimal("3.00"))

        self.assertEqual(Product.objects.count(), 2)
        self.assertEqual(cached_price_list(), [("Tea", Decimal("3.00"))])  # stale
        later = time.time() + PRICE_LIST_TIMEOUT + 1
        with mock.patch("time.time", return_value=later):
            self.assertEqual(len(cached_price_list()), 2)  # until the timeout
