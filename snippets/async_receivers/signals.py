import logging
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Headline

logger = logging.getLogger(__name__)

FRONT_PAGE_KEY = "async_receivers:front_page"

# --8<-- [start:async-receiver]
# Sent by services.publish() with asend_robust(), with headline=<Headline>.
headline_published = Signal()


@receiver(headline_published, dispatch_uid="async_receivers.warm_front_page")
async def warm_front_page(sender, headline, **kwargs):
    """Rebuild the cached front page now, so that no visitor waits for it."""
    titles = await Headline.objects.alatest_titles()
    await cache.aset(FRONT_PAGE_KEY, titles)
    logger.info("Front page rebuilt after %r was published", headline.title)
    return titles


# --8<-- [end:async-receiver]


# --8<-- [start:model-receiver]
@receiver(
    [post_save, post_delete],
    sender=Headline,
    dispatch_uid="async_receivers.forget_front_page",
)
def forget_front_page(sender, instance, **kwargs):
    """Drop the cached front page once the change is committed.

    A plain def on purpose: under asave() and adelete() it runs in the
    thread that holds the transaction, so on_commit() waits for that commit.
    """
    transaction.on_commit(partial(cache.delete, FRONT_PAGE_KEY))
    logger.info("Front page cache dropped after a change to %r", instance.title)


# --8<-- [end:model-receiver]
