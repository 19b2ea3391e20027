"""WSGIHandler and ASGIHandler, called the way a real server calls them."""

import asyncio
import io
from unittest import mock
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.test import Client, TransactionTestCase, override_settings
from django.urls import include, path

from .helpers import LOGGER, arguments, fail_while_streaming, recorded

waiting, cancelled = [], []


async def wait_forever(request):
    waiting.append(request.path)
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        cancelled.append(request.path)
        raise


# The URLs the tests request, whatever the project's URLconf holds.
urlpatterns = [
    path("request_log/", include("request_log.urls")),
    path("fail-while-streaming/", fail_while_streaming),
    path("wait-forever/", wait_forever),
]


def call_wsgi(path):
    """Call the project's WSGI application the way a WSGI server does."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO()
    return get_wsgi_application()(environ, lambda status, headers: None)


async def call_asgi(path, disconnect_when=None):
    """Call the project's ASGI application the way an ASGI server does.

    The client stays connected, or disconnects once disconnect_when() is true.
    The scope is written out: AsyncRequestFactory's would carry a non-ASCII
    path in its WSGI form (UTF-8 bytes read as latin-1), where a server sends
    it decoded.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": quote(path).encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
    }
    body_sent = False
    events = []

    async def receive():
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if disconnect_when:
            while not disconnect_when():
                await asyncio.sleep(0)
            return {"type": "http.disconnect"}
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        events.append(message["type"])

    def finished(**kwargs):
        events.append("request_finished")

    request_finished.connect(finished)
    try:
        await get_asgi_application()(scope, receive, send)
    finally:
        request_finished.disconnect(finished)
    return events


# A real handler closes stale database connections as each request starts and
# ends, which TestCase's wrapping transaction would not survive.
@override_settings(ROOT_URLCONF=__name__)
class RealHandlerTests(TransactionTestCase):
    def test_wsgi_sends_environ_from_wsgi_handler(self):
        with recorded(request_started) as calls:
            call_wsgi("/request_log/hello/ada/").close()

        self.assertIs(calls[0]["sender"], WSGIHandler)
        self.assertEqual(arguments(calls[0]), ["environ"])

    def test_wsgi_sends_request_finished_only_when_the_server_closes_the_response(self):
        with recorded(request_finished) as calls:
            response = call_wsgi("/request_log/hello/ada/")
            before_close = len(calls)
            response.close()

        self.assertEqual(before_close, 0)
        self.assertEqual([call["sender"] for call in calls], [WSGIHandler])

    async def test_asgi_sends_scope_from_asgi_handler(self):
        with recorded(request_started) as calls:
            await call_asgi("/request_log/hello/ada/")

        self.assertIs(calls[0]["sender"], ASGIHandler)
        self.assertEqual(arguments(calls[0]), ["scope"])

    async def test_asgi_receiver_logs_the_decoded_path(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            await call_asgi("/request_log/hello/zoë/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:Request started: GET '/request_log/hello/zoë/' "
                "(sender: ASGIHandler)",
                f"INFO:{LOGGER}:Request finished (sender: ASGIHandler)",
            ],
        )

    def test_wsgi_receiver_logs_the_decoded_path(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            # A WSGI server passes the UTF-8 bytes of the path as latin-1 text.
            call_wsgi("/request_log/hello/zoë/".encode().decode("latin-1")).close()

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:Request started: GET '/request_log/hello/zoë/' "
                "(sender: WSGIHandler)",
                f"INFO:{LOGGER}:Request finished (sender: WSGIHandler)",
            ],
        )

    async def test_asgi_sends_request_finished_after_the_response_is_sent(self):
        events = await call_asgi("/request_log/hello/ada/")

        self.assertEqual(
            events, ["http.response.start", "http.response.body", "request_finished"]
        )

    async def test_asgi_sends_request_finished_when_the_client_leaves_early(self):
        waiting.clear()
        cancelled.clear()
        events = await call_asgi("/wait-forever/", disconnect_when=lambda: waiting)

        self.assertEqual(cancelled, ["/wait-forever/"])  # the view was stopped
        self.assertEqual(events, ["request_finished"])  # and no response sent

    async def test_asgi_an_exception_while_streaming_reaches_the_server(self):
        with (
            recorded(got_request_exception) as calls,
            self.assertWarnsMessage(Warning, "synchronous iterators"),
            self.assertRaisesMessage(ValueError, "the stream failed"),
        ):
            await call_asgi("/fail-while-streaming/")

        self.assertEqual(calls, [])

    def test_a_real_handler_checks_connections_but_the_test_client_does_not(self):
        default = connections["default"]
        with mock.patch.object(default, "close_if_unusable_or_obsolete") as check:
            Client().get("/request_log/hello/ada/")
            after_test_client = check.call_count
            call_wsgi("/request_log/hello/ada/").close()

        self.assertEqual(after_test_client, 0)
        self.assertEqual(check.call_count, 2)  # at request_started and request_finished
