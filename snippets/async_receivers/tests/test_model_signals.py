"""asave(), adelete() and acreate() send model signals with send()."""

import asyncio
import threading

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.core.exceptions import SynchronousOnlyOperation
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.test import TestCase, TransactionTestCase

from ..models import Headline
from ..signals import FRONT_PAGE_KEY
from .helpers import LOGGER, clear_front_page, connected, spying_on


class ModelSignalsUnderAsaveTests(TestCase):
    """asave() and adelete() run save() and delete() in sync_to_async."""

    def setUp(self):
        clear_front_page(self)
        self.seen = []

    def note(self, sender, signal, **kwargs):
        self.seen.append(("sync", signal, threading.get_ident()))

    async def anote(self, sender, signal, **kwargs):
        self.seen.append(("async", signal, asyncio.get_running_loop()))

    async def test_asave_sends_pre_and_post_save_with_send(self):
        with spying_on(pre_save, post_save) as calls:
            await Headline(title="Draft").asave()

        self.assertEqual(calls, [(pre_save, "send"), (post_save, "send")])

    async def test_acreate_sends_pre_and_post_save_with_send(self):
        with spying_on(pre_save, post_save) as calls:
            await Headline.objects.acreate(title="Draft")

        self.assertEqual(calls, [(pre_save, "send"), (post_save, "send")])

    async def test_adelete_sends_pre_and_post_delete_with_send(self):
        headline = await Headline.objects.acreate(title="Draft")
        with spying_on(pre_delete, post_delete) as calls:
            await headline.adelete()

        self.assertEqual(calls, [(pre_delete, "send"), (post_delete, "send")])

    async def test_sync_receivers_run_in_the_sync_to_async_thread(self):
        with connected(pre_save, self.note), connected(post_save, self.note):
            await Headline(title="Draft").asave()

        worker = await sync_to_async(threading.get_ident)()
        self.assertNotEqual(worker, threading.get_ident())
        self.assertEqual(
            self.seen, [("sync", pre_save, worker), ("sync", post_save, worker)]
        )

    async def test_async_receivers_run_too_back_on_your_event_loop(self):
        headline = await Headline.objects.acreate(title="Draft")
        loop = asyncio.get_running_loop()

        with connected(pre_delete, self.anote), connected(post_delete, self.anote):
            await headline.adelete()

        self.assertEqual(
            self.seen, [("async", pre_delete, loop), ("async", post_delete, loop)]
        )

    async def test_an_async_receiver_cannot_call_on_commit_under_adelete(self):
        headline = await Headline.objects.acreate(title="Draft")

        async def clean_up_after_commit(sender, **kwargs):
            transaction.on_commit(lambda: None)

        with (
            connected(post_delete, clean_up_after_commit, sender=Headline),
            self.assertRaises(SynchronousOnlyOperation),
        ):
            await headline.adelete()

    def test_an_async_receiver_cannot_call_on_commit_under_delete(self):
        headline = Headline.objects.create(title="Draft")

        async def clean_up_after_commit(sender, **kwargs):
            transaction.on_commit(lambda: None)

        with (
            connected(post_delete, clean_up_after_commit, sender=Headline),
            self.assertRaises(SynchronousOnlyOperation),
        ):
            headline.delete()

    def test_sync_save_runs_async_receivers_in_another_thread(self):
        threads = []

        async def note_thread(**kwargs):
            threads.append(threading.get_ident())

        with connected(post_save, note_thread, sender=Headline):
            Headline.objects.create(title="Draft")

        self.assertEqual(len(threads), 1)
        self.assertNotEqual(threads[0], threading.get_ident())


class ForgetFrontPageTests(TestCase):
    def setUp(self):
        clear_front_page(self)
        cache.set(FRONT_PAGE_KEY, ["Old"])

    def test_saving_drops_the_cached_page_on_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            Headline.objects.create(title="New")
        self.assertEqual(cache.get(FRONT_PAGE_KEY), ["Old"])  # not committed yet

        callbacks[0]()
        self.assertIsNone(cache.get(FRONT_PAGE_KEY))

    def test_deleting_drops_the_cached_page_on_commit(self):
        headline = Headline.objects.create(title="New")
        cache.set(FRONT_PAGE_KEY, ["New"])

        with self.captureOnCommitCallbacks(execute=True):
            headline.delete()

        self.assertIsNone(cache.get(FRONT_PAGE_KEY))

    def test_the_receiver_logs_instead_of_printing(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            Headline.objects.create(title="New")

        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:Front page cache dropped after a change to 'New'"],
        )


class ForgetFrontPageAfterAdeleteTests(TransactionTestCase):
    """Real commits: the receiver runs inside adelete()'s transaction."""

    def setUp(self):
        clear_front_page(self)

    async def test_adelete_drops_the_cached_page_only_after_commit(self):
        headline = await Headline.objects.acreate(title="Old")
        await cache.aset(FRONT_PAGE_KEY, ["Old"])
        during = []

        def look_at_the_cache(**kwargs):  # runs after forget_front_page
            during.append(cache.get(FRONT_PAGE_KEY))

        with connected(post_delete, look_at_the_cache, sender=Headline):
            await headline.adelete()

        self.assertEqual(during, [["Old"]])  # inside the transaction: kept
        self.assertIsNone(await cache.aget(FRONT_PAGE_KEY))  # after commit: gone
