from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import transaction

from .models import Headline
from .signals import FRONT_PAGE_KEY, headline_published


async def publish(title):
    """Save and commit a headline, then tell whoever listens.

    Listeners hear of a headline that is committed, so nothing they do can be
    undone by a rollback. asend_robust(): a failing listener is logged by
    Django and must not turn a published headline into an error for the author.
    """
    headline = await commit_headline(title)
    await headline_published.asend_robust(sender=Headline, headline=headline)
    return headline


@sync_to_async
def commit_headline(title):
    """Save the headline in a transaction of its own, and commit it.

    durable=True raises RuntimeError inside a caller's atomic() block, where
    the save would be committed or rolled back with the caller's work, after
    the listeners had already acted on it.
    """
    with transaction.atomic(durable=True):
        return Headline.objects.create(title=title)


async def front_page():
    """The front page's titles: from the cache, or built and cached now."""
    titles = await cache.aget(FRONT_PAGE_KEY)
    if titles is None:
        titles = await Headline.objects.alatest_titles()
        await cache.aset(FRONT_PAGE_KEY, titles)
    return titles
