"""The built-in signals that Django sends with asend(), and only those."""

import asyncio
import re
import threading
from pathlib import Path

import django
from django.contrib.auth import aauthenticate, get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.test import SimpleTestCase, TestCase
from django.test.utils import override_settings
from django.urls import include, path

from ..signals import FRONT_PAGE_KEY
from .helpers import asgi_request, connected, keep_requests_off_the_database, spying_on

User = get_user_model()
ASEND_CALL = re.compile(r"(\w+)\.asend(?:_robust)?\(")


async def never_answers(request):
    await asyncio.Event().wait()


urlpatterns = [
    path("async_receivers/", include("async_receivers.urls")),
    path("hang/", never_answers),
]


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


@override_settings(ROOT_URLCONF=__name__)
class AsgiHandlerTests(SimpleTestCase):
    """The real ASGI handler, as uvicorn or daphne would call it."""

    def setUp(self):
        keep_requests_off_the_database(self)
        cache.set(FRONT_PAGE_KEY, ["Cached"])  # so the view needs no query
        self.addCleanup(cache.delete, FRONT_PAGE_KEY)

    async def call_asgi(self, path, messages):
        with spying_on(request_started, request_finished) as calls:
            sent = await asgi_request(path, messages)
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
