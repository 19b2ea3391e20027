"""What can go wrong: blocking receivers, send() from async code, new loops."""

import asyncio
import threading

from asgiref.sync import sync_to_async
from django.core.exceptions import SynchronousOnlyOperation
from django.dispatch import Signal
from django.test import SimpleTestCase

from ..models import Headline
from .helpers import connected


class PitfallTests(SimpleTestCase):
    def setUp(self):
        self.signal = Signal()
        self.started, self.released = threading.Event(), threading.Event()
        self.order = []

    def blocking_receiver(self, timeout):
        def wait_for_io(**kwargs):
            """Stands in for blocking I/O: True if released, False on timeout."""
            self.started.set()
            released = self.released.wait(timeout)
            self.order.append("receiver returned")
            return released

        return wait_for_io

    async def release_once_blocked(self, first=None):
        """On the event loop: wait until the receiver blocks, then free it."""
        await asyncio.to_thread(self.started.wait, 5)
        if first:
            await first()
        self.released.set()

    async def test_asend_keeps_a_blocking_sync_receiver_off_the_loop(self):
        receiver = self.blocking_receiver(timeout=5)
        with connected(self.signal, receiver):
            responses, _ = await asyncio.gather(
                self.signal.asend(sender=None), self.release_once_blocked()
            )

        self.assertEqual(responses, [(receiver, True)])  # the loop freed it

    async def test_a_blocking_sync_receiver_holds_up_other_sync_to_async_calls(
        self,
    ):
        receiver = self.blocking_receiver(timeout=0.2)

        def other_sync_work():  # an ORM query, in a real project
            self.order.append("other sync work")

        with connected(self.signal, receiver):
            responses, _ = await asyncio.gather(
                self.signal.asend(sender=None),
                self.release_once_blocked(first=sync_to_async(other_sync_work)),
            )

        # The other work had to wait until the receiver gave up.
        self.assertEqual(responses, [(receiver, False)])
        self.assertEqual(self.order, ["receiver returned", "other sync work"])

    async def test_send_from_async_code_blocks_the_event_loop(self):
        receiver = self.blocking_receiver(timeout=0.2)
        with connected(self.signal, receiver):
            release = asyncio.create_task(self.release_once_blocked())
            responses = self.signal.send(sender=None)  # runs right here, no await
            await release

        self.assertEqual(responses, [(receiver, False)])  # nothing could free it

    async def test_send_from_async_code_rejects_orm_calls_in_sync_receivers(self):
        def count_headlines(**kwargs):
            return Headline.objects.count()

        with (
            connected(self.signal, count_headlines),
            self.assertRaises(SynchronousOnlyOperation),
        ):
            self.signal.send(sender=None)

    async def test_send_from_async_code_fails_with_async_receivers(self):
        async def anything(**kwargs):
            return None

        with (
            connected(self.signal, anything),
            self.assertRaisesMessage(
                RuntimeError, "You cannot use AsyncToSync in the same thread"
            ),
        ):
            self.signal.send(sender=None)

    def test_send_from_sync_code_starts_a_new_event_loop_each_time(self):
        seen = []

        async def note(**kwargs):
            seen.append((threading.get_ident(), asyncio.get_running_loop()))

        with connected(self.signal, note):
            self.signal.send(sender=None)
            self.signal.send(sender=None)

        (first_thread, first_loop), (second_thread, second_loop) = seen
        self.assertIsNot(first_loop, second_loop)
        self.assertNotIn(threading.get_ident(), (first_thread, second_thread))
