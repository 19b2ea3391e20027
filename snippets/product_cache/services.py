"""The cached price list, and the writes that must keep it honest."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from .models import Product

PRICE_LIST_KEY = "product_cache:price_list"
# The safety net: a write that forgets to invalidate (a bulk update, raw
# SQL, another service) leaves the list stale for at most this many seconds.
PRICE_LIST_TIMEOUT = 5 * 60


def cached_price_list():
    """Return [(name, price), ...], from the cache when it holds the list.

    get_or_set() stores with add(), never set(): if a change committed while
    this read built its list, the fresh list is in the cache by now, and
    add() leaves it there.
    """
    return cache.get_or_set(PRICE_LIST_KEY, _build_price_list, PRICE_LIST_TIMEOUT)


def _build_price_list():
    return list(Product.objects.values_list("name", "price"))


def refresh_price_list():
    """Build the list again and cache it; call it after a commit.

    set(), not delete(): a reader that built its list from the old rows
    could add() it to an empty key; a key that holds the new list refuses it.
    """
    cache.set(PRICE_LIST_KEY, _build_price_list(), PRICE_LIST_TIMEOUT)


def raise_prices(amount):
    """Add `amount` to every price in one UPDATE, then refresh the cache.

    QuerySet.update() sends no post_save, so the receivers never hear of
    this write: the service that makes a bulk change owns the invalidation.
    """
    with transaction.atomic():
        changed = Product.objects.update(price=F("price") + amount)
        transaction.on_commit(refresh_price_list, robust=True)
    return changed
