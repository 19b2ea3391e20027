import asyncio
import threading

from django.db.models.signals import post_save

from async_receivers.models import Headline

seen = {}


def sync_receiver(sender, **kwargs):
    seen["sync thread"] = threading.get_ident()


async def async_receiver(sender, **kwargs):
    seen["async loop"] = asyncio.get_running_loop()


async def main():
    post_save.connect(sync_receiver, sender=Headline)
    post_save.connect(async_receiver, sender=Headline)
    try:
        await Headline(title="Saved from async code").asave()
    finally:
        post_save.disconnect(sync_receiver, sender=Headline)
        post_save.disconnect(async_receiver, sender=Headline)

    on_loop_thread = seen["sync thread"] == threading.get_ident()
    print("sync receiver ran on the loop's thread:", on_loop_thread)
    #> sync receiver ran on the loop's thread: False
    same_loop = seen["async loop"] is asyncio.get_running_loop()
    print("async receiver ran on this event loop:", same_loop)
    #> async receiver ran on this event loop: True


asyncio.run(main())
