from django.core.cache import cache

from .models import Headline
from .signals import FRONT_PAGE_KEY, headline_published


async def publish(title):
    """Save a headline, then tell whoever listens, without blocking the loop.

    asend_robust(): a failing listener is logged by Django and must not turn
    a headline that is already saved into an error for the author.
    """
    headline = await Headline.objects.acreate(title=title)
    await headline_published.asend_robust(sender=Headline, headline=headline)
    return headline


async def front_page():
    """The front page's titles: from the cache, or built and cached now."""
    titles = await cache.aget(FRONT_PAGE_KEY)
    if titles is None:
        titles = await Headline.objects.alatest_titles()
        await cache.aset(FRONT_PAGE_KEY, titles)
    return titles
