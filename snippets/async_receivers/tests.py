import asyncio
import contextvars
import re
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock, skipIf, skipUnless

import django
from asgiref.sync import sync_to_async
from django.contrib.auth import aauthenticate, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.core.cache import cache
from django.core.exceptions import SynchronousOnlyOperation
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.db.models.signals import (
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from django.test.utils import override_settings
from django.urls import path

from .models import Headline
from .services import front_page, publish
from .signals import FRONT_PAGE_KEY, headline_published, warm_front_page

User = get_user_model()
LOGGER = "async_receivers.signals"
NEW_IN_61 = "Django 6.1 runs sync receivers before async ones under asend()"
OLD_IN_52 = "Django 5.2 started async receivers before sync ones under asend()"
state = contextvars.ContextVar("state", default="unset")
ASEND_CALL = re.compile(r"(\w+)\.asend(?:_robust)?\(")


@contextmanager
def connected(signal, *receivers, **kwargs):
    """Connect throwaway receivers for one test, and always disconnect them."""
    for receiver in receivers:
        signal.connect(receiver, **kwargs)
    try:
        yield
    finally:
        for receiver in receivers:
            signal.disconnect(receiver, **kwargs)


@contextmanager
def spying_on(*signals):
    """Record, in order, which signal went out through send() or asend()."""
    calls = []
    with ExitStack() as stack:
        for signal in signals:
            for method in ("send", "asend"):
                original = getattr(signal, method)

                def spy(*args, _call=(signal, method), _original=original, **kw):
                    calls.append(_call)
                    return _original(*args, **kw)

                stack.enter_context(mock.patch.object(signal, method, spy))
        yield calls


def clear_front_page(test):
    cache.delete(FRONT_PAGE_KEY)
    test.addCleanup(cache.delete, FRONT_PAGE_KEY)


class AsyncReceiverTests(TestCase):
    """An async def receiver, awaited by asend() and asend_robust()."""

    def setUp(self):
        clear_front_page(self)

    async def test_asend_awaits_the_receiver_and_returns_its_value(self):
        headline = await Headline.objects.acreate(title="Signals go async")

        responses = await headline_published.asend(sender=Headline, headline=headline)

        self.assertEqual(responses, [(warm_front_page, ["Signals go async"])])
        self.assertEqual(await cache.aget(FRONT_PAGE_KEY), ["Signals go async"])

    async def test_connecting_it_again_adds_no_second_receiver(self):
        headline_published.connect(
            warm_front_page, dispatch_uid="async_receivers.warm_front_page"
        )
        headline = await Headline.objects.acreate(title="Signals go async")

        responses = await headline_published.asend(sender=Headline, headline=headline)

        self.assertEqual(len(responses), 1)

    async def test_the_receiver_logs_instead_of_printing(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            await publish("Signals go async")

        self.assertIn(
            f"INFO:{LOGGER}:Front page rebuilt after 'Signals go async' was published",
            logs.output,
        )

    async def test_asend_lets_an_exception_escape(self):
        async def broken(sender, **kwargs):
            raise ValueError("listener is down")

        headline = await Headline.objects.acreate(title="Signals go async")
        with (
            connected(headline_published, broken),
            self.assertRaisesMessage(ValueError, "listener is down"),
        ):
            await headline_published.asend(sender=Headline, headline=headline)

    async def test_asend_robust_returns_the_exception_and_logs_it(self):
        async def broken(sender, **kwargs):
            raise ValueError("listener is down")

        headline = await Headline.objects.acreate(title="Signals go async")
        with (
            connected(headline_published, broken),
            self.assertLogs("django.dispatch", "ERROR") as logs,
        ):
            responses = await headline_published.asend_robust(
                sender=Headline, headline=headline
            )

        (_, titles), (_, error) = responses
        self.assertEqual(titles, ["Signals go async"])  # the other receiver ran
        self.assertIsInstance(error, ValueError)
        self.assertIn("Traceback (most recent call last)", logs.output[0])
        self.assertEqual(
            logs.output[0].splitlines()[0],
            "ERROR:django.dispatch:Error calling "
            "AsyncReceiverTests.test_asend_robust_returns_the_exception_and_logs_it"
            ".<locals>.broken in Signal.send_robust() (listener is down)",
        )

    async def test_publish_keeps_the_headline_when_a_receiver_fails(self):
        async def broken(sender, **kwargs):
            raise ValueError("listener is down")

        with (
            connected(headline_published, broken),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            headline = await publish("Signals go async")

        self.assertTrue(await Headline.objects.filter(pk=headline.pk).aexists())
        self.assertEqual(await cache.aget(FRONT_PAGE_KEY), ["Signals go async"])

    async def test_front_page_is_built_once_then_served_from_the_cache(self):
        await Headline.objects.acreate(title="First")

        self.assertEqual(await front_page(), ["First"])
        # A change that sends no signal leaves the cached page as it was.
        await Headline.objects.filter(title="First").aupdate(title="Renamed")
        self.assertEqual(await front_page(), ["First"])


class PublishViewTests(TestCase):
    url = "/async_receivers/publish/"

    def setUp(self):
        clear_front_page(self)

    async def log_in(self, *, may_publish):
        user = await User.objects.acreate(username="editor")
        if may_publish:
            permission = await Permission.objects.aget(codename="add_headline")
            await user.user_permissions.aadd(permission)
        await self.async_client.aforce_login(user)

    async def test_publishing_warms_the_front_page(self):
        await self.log_in(may_publish=True)

        response = await self.async_client.post(self.url, {"title": "Fresh"})

        self.assertEqual(response.status_code, 201)
        self.assertEqual(await cache.aget(FRONT_PAGE_KEY), ["Fresh"])
        response = await self.async_client.get("/async_receivers/")
        self.assertEqual(response.json(), {"titles": ["Fresh"]})

    async def test_only_users_who_may_add_headlines_can_publish(self):
        await self.log_in(may_publish=False)

        response = await self.async_client.post(self.url, {"title": "Fresh"})

        self.assertEqual(response.status_code, 403)
        self.assertFalse(await Headline.objects.aexists())

    async def test_an_invalid_title_is_rejected(self):
        await self.log_in(may_publish=True)

        response = await self.async_client.post(self.url, {"title": "x" * 201})

        self.assertEqual(response.status_code, 400)
        self.assertFalse(await Headline.objects.aexists())


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
        self.assertNotEqual(first_thread, threading.get_ident())
        # The thread sync_to_async() uses for all thread-sensitive sync code.
        self.assertEqual(first_thread, await sync_to_async(threading.get_ident)())

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


class FailingAsyncReceiverTests(SimpleTestCase):
    """One async receiver raises under asend(): what of the others?"""

    def setUp(self):
        self.signal, self.log, self.never = Signal(), [], asyncio.Event()

    async def asend_with_a_failure(self):
        async def slow(**kwargs):
            self.slow_task = asyncio.current_task()
            self.log.append("slow started")
            try:
                await self.never.wait()
            except asyncio.CancelledError:
                self.log.append("slow cancelled")
                raise
            self.log.append("slow finished")

        async def broken(**kwargs):
            raise ValueError("boom")

        with (
            connected(self.signal, slow, broken),
            self.assertRaisesMessage(ValueError, "boom"),
        ):
            await self.signal.asend(sender=None)

    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 uses an asyncio.TaskGroup")
    async def test_the_others_are_cancelled_on_django_61(self):
        await self.asend_with_a_failure()

        self.assertEqual(self.log, ["slow started", "slow cancelled"])

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 used asyncio.gather")
    async def test_the_others_run_on_unawaited_on_django_52(self):
        await self.asend_with_a_failure()
        self.assertEqual(self.log, ["slow started"])  # still running

        self.never.set()
        await self.slow_task
        self.assertEqual(self.log, ["slow started", "slow finished"])


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


async def never_answers(request):
    await asyncio.Event().wait()


urlpatterns = [path("hang/", never_answers)]


class BuiltInSignalsSentWithAsendTests(SimpleTestCase):
    def test_django_calls_asend_for_these_signals_only(self):
        package = Path(django.__file__).parent
        calls = set()
        for module in package.rglob("*.py"):
            where = module.relative_to(package).as_posix()
            if where.startswith(("dispatch/", "test/")):
                continue  # the dispatcher itself; the test client mirrors ASGI
            source = module.read_bytes()
            if b"asend" in source:  # cheap filter: most modules never mention it
                for name in ASEND_CALL.findall(source.decode()):
                    calls.add((where, name))

        self.assertEqual(
            calls,
            {
                ("core/handlers/asgi.py", "request_started"),
                ("core/handlers/asgi.py", "request_finished"),
                ("contrib/auth/__init__.py", "user_login_failed"),
                ("contrib/auth/__init__.py", "user_logged_in"),
                ("contrib/auth/__init__.py", "user_logged_out"),
            },
        )


class AsgiHandlerTests(SimpleTestCase):
    """The real ASGI handler, as uvicorn or daphne would call it."""

    def setUp(self):
        # Like Django's test client: keep the handler off the test database.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        cache.set(FRONT_PAGE_KEY, ["Cached"])  # so the view needs no query
        self.addCleanup(cache.delete, FRONT_PAGE_KEY)

    async def call_asgi(self, path, messages):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        incoming = list(messages)

        async def receive():
            if incoming:
                return incoming.pop(0)
            await asyncio.Event().wait()  # a client that stays until the end

        sent = []

        async def send(message):
            sent.append(message)

        with spying_on(request_started, request_finished) as calls:
            await ASGIHandler()(scope, receive, send)
        return calls, sent

    def note_thread(self, **kwargs):
        self.threads.append(threading.get_ident())

    async def test_request_started_uses_asend_and_request_finished_send(self):
        self.threads = []
        with connected(request_finished, self.note_thread):
            calls, sent = await self.call_asgi(
                "/async_receivers/", [{"type": "http.request", "body": b""}]
            )

        self.assertEqual(sent[0]["status"], 200)
        self.assertEqual(
            calls, [(request_started, "asend"), (request_finished, "send")]
        )
        # Sent by response.close() in a sync_to_async() worker thread.
        self.assertEqual(len(self.threads), 1)
        self.assertNotEqual(self.threads[0], threading.get_ident())

    @override_settings(ROOT_URLCONF=__name__)
    async def test_request_finished_uses_asend_when_the_client_left_early(self):
        calls, sent = await self.call_asgi(
            "/hang/",
            [{"type": "http.request", "body": b""}, {"type": "http.disconnect"}],
        )

        self.assertEqual(sent, [])
        self.assertEqual(
            calls, [(request_started, "asend"), (request_finished, "asend")]
        )


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class AuthSignalsTests(TestCase):
    """alogin(), alogout() and aauthenticate() send with asend()."""

    def setUp(self):
        self.heard = []

    async def note(self, sender, signal, **kwargs):
        self.heard.append((signal, asyncio.get_running_loop()))

    # --8<-- [start:alogin]
    async def test_alogin_sends_user_logged_in_with_asend(self):
        user = await User.objects.acreate(username="ada")

        with (
            spying_on(user_logged_in) as calls,
            connected(user_logged_in, self.note),
        ):
            await self.async_client.aforce_login(user)  # calls alogin()

        self.assertEqual(calls, [(user_logged_in, "asend")])
        # The async receiver was awaited on the test's own event loop.
        self.assertEqual(self.heard, [(user_logged_in, asyncio.get_running_loop())])

    # --8<-- [end:alogin]

    async def test_alogout_sends_user_logged_out_with_asend(self):
        await self.async_client.aforce_login(await User.objects.acreate(username="a"))

        with (
            spying_on(user_logged_out) as calls,
            connected(user_logged_out, self.note),
        ):
            await self.async_client.alogout()  # calls alogout()

        self.assertEqual(calls, [(user_logged_out, "asend")])
        self.assertEqual(self.heard, [(user_logged_out, asyncio.get_running_loop())])

    async def test_a_failed_aauthenticate_sends_user_login_failed_with_asend(self):
        with (
            spying_on(user_login_failed) as calls,
            connected(user_login_failed, self.note),
        ):
            user = await aauthenticate(username="nobody", password="wrong-guess")

        self.assertIsNone(user)
        self.assertEqual(calls, [(user_login_failed, "asend")])
        self.assertEqual(self.heard, [(user_login_failed, asyncio.get_running_loop())])


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
