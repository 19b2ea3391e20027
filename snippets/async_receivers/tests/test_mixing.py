"""How send() and asend() run sync and async receivers: order, thread, context."""

import asyncio
import contextvars
import threading
from unittest import skipIf, skipUnless

import django
from asgiref.sync import async_to_sync, sync_to_async
from django.core.signals import request_started
from django.dispatch import Signal
from django.http import HttpResponse
from django.test import SimpleTestCase
from django.test.utils import override_settings
from django.urls import path

from .helpers import asgi_request, connected, keep_requests_off_the_database

NEW_IN_61 = "Django 6.1 runs sync receivers before async ones under asend()"
OLD_IN_52 = "Django 5.2 started async receivers before sync ones under asend()"
state = contextvars.ContextVar("state", default="unset")


# --8<-- [start:mixing]
def record_into(log):
    """Two sync and two async receivers that note when they run."""

    def sync_1(**kwargs):
        log.append("sync 1")
        return "s1"

    def sync_2(**kwargs):
        log.append("sync 2")
        return "s2"

    async def async_1(**kwargs):
        log.append("async 1")
        return "a1"

    async def async_2(**kwargs):
        log.append("async 2")
        return "a2"

    # Connected in a mixed order on purpose.
    return [async_1, sync_1, async_2, sync_2]


SYNC_FIRST = ["sync 1", "sync 2", "async 1", "async 2"]
ASYNC_FIRST = ["async 1", "async 2", "sync 1", "sync 2"]
RESPONSES = ["s1", "s2", "a1", "a2"]  # on every version, for every method


class MixedReceiversTests(SimpleTestCase):
    def setUp(self):
        self.signal, self.log = Signal(), []
        self.receivers = record_into(self.log)

    def test_send_runs_sync_receivers_in_order_then_async_ones(self):
        for send in (self.signal.send, self.signal.send_robust):
            self.log.clear()
            with connected(self.signal, *self.receivers):
                responses = send(sender=None)

            self.assertEqual(self.log, SYNC_FIRST)
            self.assertEqual([r for _, r in responses], RESPONSES)

    async def asend_in_both_ways(self):
        """asend() and asend_robust(): the order the receivers ran in."""
        orders = []
        for asend in (self.signal.asend, self.signal.asend_robust):
            self.log.clear()
            with connected(self.signal, *self.receivers):
                responses = await asend(sender=None)

            self.assertEqual([r for _, r in responses], RESPONSES)
            orders.append(self.log[:])
        return orders

    @skipUnless(django.VERSION >= (6, 1), NEW_IN_61)
    async def test_asend_runs_sync_receivers_first_on_django_61(self):
        orders = await self.asend_in_both_ways()

        self.assertEqual(orders, [SYNC_FIRST, SYNC_FIRST])

    @skipIf(django.VERSION >= (6, 1), OLD_IN_52)
    async def test_asend_started_async_receivers_first_on_django_52(self):
        orders = await self.asend_in_both_ways()

        self.assertEqual(orders, [ASYNC_FIRST, ASYNC_FIRST])


# --8<-- [end:mixing]


SYNC_THREADS = []


async def note_sync_thread(request):
    """Where this request's thread-sensitive sync code, such as the ORM, runs."""
    SYNC_THREADS.append(("view", await sync_to_async(threading.current_thread)()))
    return HttpResponse()


urlpatterns = [path("sync-thread/", note_sync_thread)]


class WhereReceiversRunTests(SimpleTestCase):
    def setUp(self):
        self.signal, self.seen = Signal(), []

    def note_thread(self, name):
        def receiver(**kwargs):
            self.seen.append((name, threading.get_ident()))

        return receiver

    def test_send_runs_sync_receivers_in_your_thread(self):
        with connected(self.signal, self.note_thread("only")):
            self.signal.send(sender=None)

        self.assertEqual(self.seen, [("only", threading.get_ident())])

    async def test_asend_runs_sync_receivers_together_off_the_event_loop(self):
        first, second = self.note_thread("first"), self.note_thread("second")

        with connected(self.signal, first, second):
            await self.signal.asend(sender=None)

        (_, first_thread), (_, second_thread) = self.seen
        self.assertEqual(first_thread, second_thread)
        self.assertNotEqual(first_thread, threading.get_ident())  # not the loop's
        # Not a thread of their own: the one that sync_to_async() uses for
        # all thread-sensitive sync code here, async ORM queries included.
        self.assertEqual(first_thread, await sync_to_async(threading.get_ident)())

    def test_under_async_to_sync_that_thread_is_the_calling_one(self):
        with connected(self.signal, self.note_thread("only")):
            async_to_sync(self.signal.asend)(sender=None)

        self.assertEqual(self.seen, [("only", threading.get_ident())])

    @override_settings(ROOT_URLCONF=__name__)
    def test_under_asgi_each_request_has_one_such_thread(self):
        """request_started goes out with asend(), from ASGIHandler itself."""
        SYNC_THREADS.clear()

        def note(**kwargs):
            SYNC_THREADS.append(("receiver", threading.current_thread()))

        keep_requests_off_the_database(self)
        with connected(request_started, note):
            for _ in range(2):  # a fresh event loop, as a server would run
                asyncio.run(asgi_request("/sync-thread/"))

        (_, first), (_, first_view), (_, second), (_, second_view) = SYNC_THREADS
        self.assertIs(first, first_view)  # the receiver ran where the view's ORM
        self.assertIs(second, second_view)  # calls would run, request by request
        self.assertIsNot(first, second)
        self.assertNotIn(threading.current_thread(), (first, second))

    async def test_asend_runs_async_receivers_on_your_event_loop(self):
        loops = []

        async def note_loop(**kwargs):
            loops.append(asyncio.get_running_loop())

        with connected(self.signal, note_loop):
            await self.signal.asend(sender=None)

        self.assertEqual(loops, [asyncio.get_running_loop()])

    def test_async_receivers_run_concurrently_under_send_and_asend(self):
        log = []

        async def waiter(ready, **kwargs):
            log.append("waiter waits")
            await ready.wait()  # only the next receiver can set it
            log.append("waiter resumes")

        async def setter(ready, **kwargs):
            log.append("setter sets")
            ready.set()

        with connected(self.signal, waiter, setter):
            self.signal.send(sender=None, ready=asyncio.Event())

            async def send_async():
                await self.signal.asend(sender=None, ready=asyncio.Event())

            asyncio.run(send_async())

        self.assertEqual(log, ["waiter waits", "setter sets", "waiter resumes"] * 2)


class ContextVarTests(SimpleTestCase):
    """A receiver sets a ContextVar: does the code that sent the signal see it?"""

    def setUp(self):
        self.signal = Signal()

    @staticmethod
    def set_in_sync(**kwargs):
        state.set("set by a sync receiver")

    @staticmethod
    async def set_in_async(**kwargs):
        state.set("set by an async receiver")

    async def asend_and_read(self, receiver):
        state.set("before")
        with connected(self.signal, receiver):
            await self.signal.asend(sender=None)
        return state.get()

    def send_and_read(self, receiver):
        state.set("before")
        with connected(self.signal, receiver):
            self.signal.send(sender=None)
        return state.get()

    def test_send_and_a_sync_receiver_on_every_version(self):
        self.assertEqual(self.send_and_read(self.set_in_sync), "set by a sync receiver")

    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 carries contextvars back")
    async def test_asend_carries_changes_back_on_django_61(self):
        self.assertEqual(
            await self.asend_and_read(self.set_in_sync), "set by a sync receiver"
        )
        self.assertEqual(
            await self.asend_and_read(self.set_in_async), "set by an async receiver"
        )

    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 carries contextvars back")
    def test_send_carries_async_changes_back_on_django_61(self):
        self.assertEqual(
            self.send_and_read(self.set_in_async), "set by an async receiver"
        )

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 lost them in asyncio tasks")
    async def test_asend_loses_changes_on_django_52(self):
        self.assertEqual(await self.asend_and_read(self.set_in_sync), "before")
        self.assertEqual(await self.asend_and_read(self.set_in_async), "before")

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 lost them in asyncio tasks")
    def test_send_loses_async_changes_on_django_52(self):
        self.assertEqual(self.send_and_read(self.set_in_async), "before")
