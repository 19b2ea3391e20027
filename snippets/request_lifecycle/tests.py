import asyncio
import threading
from dataclasses import FrozenInstanceError
from unittest import mock, skipIf, skipUnless

import django
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.http import HttpResponse
from django.test import (
    AsyncClient,
    AsyncRequestFactory,
    Client,
    TestCase,
    override_settings,
)
from django.urls import path, re_path

from .signals import RequestStart


def ok(request):
    return HttpResponse("ok")


async def slow(request, name):
    await asyncio.sleep(0.05)  # long enough for the other request to start
    return HttpResponse(name)


# The tests serve their own URLs, so any path answers 200.
urlpatterns = [
    path("slow/<str:name>/", slow),
    re_path(r"(?s)^.*$", ok),
]

LOGGER = "request_lifecycle.signals"
TICKS = [100.0, 100.25]  # perf_counter() at the start, then at the end


async def asgi_get(path):
    """One GET through Django's real ASGI handler, as an ASGI server sends it."""
    messages = []
    body_sent = False

    async def receive():
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects

    async def send(message):
        messages.append(message)

    scope = AsyncRequestFactory().get(path).scope
    await ASGIHandler()(scope, receive, send)
    return messages[0]["status"]


@override_settings(ROOT_URLCONF=__name__)
class SignalArgumentsTests(TestCase):
    """What the two signals carry: no request, and nothing at the end."""

    def spy(self):
        calls = []

        def record(sender, **kwargs):
            calls.append(sorted(kwargs))

        for signal in (request_started, request_finished):
            signal.connect(record)
            self.addCleanup(signal.disconnect, record)
        return calls

    def test_under_wsgi_request_started_gets_the_environ(self):
        calls = self.spy()
        Client().get("/orders/")

        self.assertEqual(calls, [["environ", "signal"], ["signal"]])

    async def test_under_asgi_request_started_gets_the_scope(self):
        calls = self.spy()
        await asgi_get("/orders/")

        self.assertEqual(calls, [["scope", "signal"], ["signal"]])

    async def test_async_client_ends_the_request_in_another_thread(self):
        # Why a thread-local cannot carry the start from one to the other.
        threads = {}

        def started(sender, **kwargs):
            threads["started"] = threading.get_ident()

        def finished(sender, **kwargs):
            threads["finished"] = threading.get_ident()

        request_started.connect(started)
        self.addCleanup(request_started.disconnect, started)
        request_finished.connect(finished)
        self.addCleanup(request_finished.disconnect, finished)
        await AsyncClient().get("/orders/")

        self.assertNotEqual(threads["started"], threads["finished"])


@override_settings(ROOT_URLCONF=__name__)
class WSGITests(TestCase):
    """The test Client goes through the same signals as a WSGI server."""

    def test_start_and_end_are_logged_with_the_duration(self):
        with (
            mock.patch("request_lifecycle.signals.perf_counter", side_effect=TICKS),
            self.assertLogs(LOGGER, "INFO") as logs,
        ):
            Client().get("/orders/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:GET /orders/ started",
                f"INFO:{LOGGER}:GET /orders/ finished in 250.0 ms",
            ],
        )

    def test_the_duration_does_not_depend_on_the_clocks_origin(self):
        # perf_counter() has no fixed reference point: it may start near zero.
        with (
            mock.patch(
                "request_lifecycle.signals.perf_counter", side_effect=[0.125, 0.375]
            ),
            self.assertLogs(LOGGER, "INFO") as logs,
        ):
            Client().get("/orders/")

        self.assertEqual(
            logs.output[1], f"INFO:{LOGGER}:GET /orders/ finished in 250.0 ms"
        )

    def test_the_recorded_start_cannot_be_changed(self):
        # The context variable's value is shared with every copied context,
        # so a receiver must not be able to alter another one's start.
        start = RequestStart("GET", "/orders/", 100.0)

        with self.assertRaises(FrozenInstanceError):
            start.started_at = 0.0

    def test_the_method_is_logged(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            Client().post("/orders/")

        self.assertEqual(logs.output[0], f"INFO:{LOGGER}:POST /orders/ started")

    def test_no_query_string_and_no_headers_are_logged(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            Client().get("/reset/?token=s3cret", HTTP_AUTHORIZATION="Bearer s3cret")

        self.assertEqual(logs.output[0], f"INFO:{LOGGER}:GET /reset/ started")
        self.assertNotIn("s3cret", "".join(logs.output))

    def test_control_characters_in_the_path_cannot_forge_log_lines(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            Client().get("/a%0AGET%20/admin/%20finished")

        self.assertEqual(
            logs.output[0], f"INFO:{LOGGER}:GET /a\\nGET /admin/ finished started"
        )

    def test_a_stray_request_finished_logs_no_duration(self):
        # HttpResponse.close() sends request_finished wherever it is called.
        Client().get("/orders/")

        with self.assertLogs(LOGGER, "DEBUG") as logs:
            HttpResponse().close()

        self.assertEqual(
            logs.output,
            [f"DEBUG:{LOGGER}:A request finished, but its start was not seen here"],
        )

    def test_long_paths_are_cut_to_200_characters(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            Client().get("/" + "x" * 500)

        self.assertEqual(logs.output[0], f"INFO:{LOGGER}:GET /{'x' * 199} started")


@override_settings(ROOT_URLCONF=__name__)
@skipUnless(django.VERSION >= (6, 1), "asend() carries context changes from 6.1")
class ASGITests(TestCase):
    async def test_async_client(self):
        with (
            mock.patch("request_lifecycle.signals.perf_counter", side_effect=TICKS),
            self.assertLogs(LOGGER, "INFO") as logs,
        ):
            await AsyncClient().get("/orders/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:GET /orders/ started",
                f"INFO:{LOGGER}:GET /orders/ finished in 250.0 ms",
            ],
        )

    async def test_the_real_asgi_handler(self):
        with (
            mock.patch("request_lifecycle.signals.perf_counter", side_effect=TICKS),
            self.assertLogs(LOGGER, "INFO") as logs,
        ):
            status = await asgi_get("/orders/?token=s3cret")

        self.assertEqual(status, 200)
        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:GET /orders/ started",
                f"INFO:{LOGGER}:GET /orders/ finished in 250.0 ms",
            ],
        )

    async def test_concurrent_requests_keep_their_own_start(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            await asyncio.gather(asgi_get("/slow/a/"), asgi_get("/slow/b/"))

        messages = [record.getMessage() for record in logs.records]
        # Both started before either finished: the requests overlapped...
        self.assertEqual(
            sorted(messages[:2]), ["GET /slow/a/ started", "GET /slow/b/ started"]
        )
        # ...and each end still names its own path.
        ends = sorted(message.split(" finished")[0] for message in messages[2:])
        self.assertEqual(ends, ["GET /slow/a/", "GET /slow/b/"])
        # The duration covers the view, which sleeps for 50 ms.
        for message in messages[2:]:
            self.assertGreaterEqual(float(message.split(" in ")[1][:-3]), 50)


@override_settings(ROOT_URLCONF=__name__)
@skipIf(django.VERSION >= (6, 1), "Django 6.1 carries the start over under ASGI")
class ASGIBeforeDjango61Tests(TestCase):
    """Before 6.1, asend() ran receivers in a task of their own: the value
    request_started set was lost when that task ended."""

    async def test_async_client_logs_no_end(self):
        with self.assertLogs(LOGGER, "DEBUG") as logs:
            await AsyncClient().get("/orders/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:GET /orders/ started",
                f"DEBUG:{LOGGER}:A request finished, but its start was not seen here",
            ],
        )

    async def test_the_real_asgi_handler_logs_no_end(self):
        with self.assertLogs(LOGGER, "DEBUG") as logs:
            await asgi_get("/orders/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:GET /orders/ started",
                f"DEBUG:{LOGGER}:A request finished, but its start was not seen here",
            ],
        )
