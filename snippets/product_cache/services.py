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
    """Return [(name, price), ...], from the cache when it holds the list."""
    return cache.get_or_set(PRICE_LIST_KEY, _build_price_list, PRICE_LIST_TIMEOUT)


def _build_price_list():
    return list(Product.objects.values_list("name", "price"))


def invalidate_price_list():
    """Drop the cached list; the next read rebuilds it from the database."""
    cache.delete(PRICE_LIST_KEY)


def raise_prices(amount):
    """Add `amount` to every price in one UPDATE, then clear the cache.

    QuerySet.update() sends no post_save, so the receivers never hear of
    this write: the service that makes a bulk change owns the invalidation.
    """
    with transaction.atomic():
        changed = Product.objects.update(price=F("price") + amount)
        transaction.on_commit(invalidate_price_list, robust=True)
    return changed
