import asyncio
import io
from contextlib import contextmanager
from unittest import mock
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

from django.core.asgi import get_asgi_application
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    SuspiciousOperation,
)
from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.test import (
    AsyncClient,
    Client,
    TestCase,
    TransactionTestCase,
    modify_settings,
    override_settings,
)
from django.test.client import AsyncClientHandler, ClientHandler
from django.urls import include, path

LOGGER = "request_log.signals"


@contextmanager
def recording(signal):
    """Connect a throwaway receiver and hand back every call it gets."""
    calls = []

    def record(**kwargs):
        calls.append(kwargs)

    signal.connect(record)
    try:
        yield calls
    finally:
        signal.disconnect(record)


def arguments(call):
    """The keyword arguments a receiver gets besides `signal` and `sender`."""
    return sorted(set(call) - {"signal", "sender"})


@override_settings(ROOT_URLCONF=__name__)
class TestClientTests(TestCase):
    """The test Client goes through a WSGI-style handler: ClientHandler."""

    def test_request_started_gets_environ_and_no_request(self):
        with recording(request_started) as calls:
            self.client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIs(call["sender"], ClientHandler)
        self.assertEqual(arguments(call), ["environ"])
        self.assertEqual(call["environ"]["PATH_INFO"], "/request_log/hello/ada/")

    def test_request_finished_gets_no_arguments_and_sender_none(self):
        # Unlike WSGIHandler, the test client's handler does not tell the
        # response who it is, so the response sends request_finished with None.
        with recording(request_finished) as calls:
            self.client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIsNone(call["sender"])
        self.assertEqual(arguments(call), [])

    def test_a_receiver_that_expects_a_request_breaks_every_request(self):
        def on_start(sender, request, **kwargs):
            pass

        request_started.connect(on_start)
        try:
            with self.assertRaisesMessage(TypeError, "'request'"):
                self.client.get("/request_log/hello/ada/")
        finally:
            request_started.disconnect(on_start)

    def test_the_receivers_log_method_and_path(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/request_log/hello/ada/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:Request started: GET '/request_log/hello/ada/' "
                "(sender: ClientHandler)",
                f"INFO:{LOGGER}:Request finished (sender: None)",
            ],
        )

    def test_cookies_and_headers_reach_the_environ_but_not_the_log(self):
        self.client.cookies["sessionid"] = "secret-session-id"
        with recording(request_started) as calls, self.assertLogs(LOGGER) as logs:
            self.client.get(
                "/request_log/hello/ada/", HTTP_AUTHORIZATION="Bearer secret-token"
            )

        environ = calls[0]["environ"]
        self.assertIn("secret-session-id", environ["HTTP_COOKIE"])
        self.assertEqual(environ["HTTP_AUTHORIZATION"], "Bearer secret-token")
        self.assertNotIn("secret", "\n".join(logs.output))

    def test_a_non_ascii_path_is_logged_as_the_visitor_typed_it(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/request_log/hello/zoë/")

        self.assertIn("GET '/request_log/hello/zoë/'", logs.output[0])

    def test_a_newline_in_the_path_cannot_forge_a_log_line(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/request_log/hello/ada%0AINFO:fake/")

        self.assertNotIn("\n", logs.output[0])
        self.assertIn(r"'/request_log/hello/ada\nINFO:fake/'", logs.output[0])

    def test_request_finished_waits_until_a_streamed_body_is_consumed(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            response = self.client.get("/request_log/countdown/")
            before_reading = list(logs.output)
            body = b"".join(response.streaming_content)

        self.assertEqual(body, b"3\n2\n1\n")
        self.assertEqual(len(before_reading), 1)  # only "Request started"
        self.assertEqual(
            logs.output[-1], f"INFO:{LOGGER}:Request finished (sender: None)"
        )

    def test_closing_a_response_outside_a_handler_sends_sender_none(self):
        with recording(request_finished) as calls, self.assertLogs(LOGGER) as logs:
            HttpResponse().close()

        self.assertIsNone(calls[0]["sender"])
        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:Request finished (sender: None)"]
        )


@override_settings(ROOT_URLCONF=__name__)
class UnhandledExceptionTests(TestCase):
    def test_got_request_exception_gets_sender_none_and_the_request(self):
        client = Client(raise_request_exception=False)
        with (
            recording(got_request_exception) as calls,
            self.assertLogs("django.request"),
            self.assertLogs(LOGGER, "WARNING"),
        ):
            client.get("/request_log/broken/")

        [call] = calls
        self.assertIsNone(call["sender"])
        self.assertEqual(arguments(call), ["request"])
        self.assertIsInstance(call["request"], WSGIRequest)
        self.assertEqual(call["request"].path, "/request_log/broken/")

    def test_the_test_client_re_raises_the_exception_by_default(self):
        with (
            self.assertRaisesMessage(ValueError, "the view failed"),
            self.assertLogs("django.request", "ERROR") as django_logs,
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            self.client.get("/request_log/broken/")

        # Django logs the error with its traceback; the receiver adds one line.
        self.assertIsNotNone(django_logs.records[0].exc_info)

        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Unhandled ValueError in GET '/request_log/broken/'"],
        )

    def test_without_re_raising_the_client_returns_the_500_response(self):
        client = Client(raise_request_exception=False)
        with (
            self.assertLogs("django.request", "ERROR"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            response = client.get("/request_log/broken/")

        self.assertEqual(response.status_code, 500)
        self.assertIn("Unhandled ValueError", logs.output[0])

    def test_the_test_client_re_raises_by_listening_to_the_signal_itself(self):
        with (
            mock.patch.object(got_request_exception, "send"),
            self.assertLogs("django.request", "ERROR"),
        ):
            response = self.client.get("/request_log/broken/")

        self.assertEqual(response.status_code, 500)  # nothing was re-raised


@override_settings(ROOT_URLCONF=__name__)
class AsyncClientTests(TestCase):
    """AsyncClient goes through an ASGI-style handler: AsyncClientHandler."""

    async def test_request_started_gets_scope_and_no_request(self):
        with recording(request_started) as calls:
            await self.async_client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIs(call["sender"], AsyncClientHandler)
        self.assertEqual(arguments(call), ["scope"])
        self.assertEqual(call["scope"]["path"], "/request_log/hello/ada/")

    async def test_request_finished_gets_no_arguments_and_sender_none(self):
        with recording(request_finished) as calls:
            await self.async_client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIsNone(call["sender"])
        self.assertEqual(arguments(call), [])

    async def test_the_scope_carries_cookies_and_headers_too(self):
        self.async_client.cookies["sessionid"] = "secret-session-id"
        with recording(request_started) as calls:
            await self.async_client.get(
                "/request_log/hello/ada/", headers={"authorization": "Bearer t0k3n"}
            )

        headers = dict(calls[0]["scope"]["headers"])
        self.assertIn(b"secret-session-id", headers[b"cookie"])
        self.assertEqual(headers[b"authorization"], b"Bearer t0k3n")

    async def test_the_same_receivers_log_method_and_path(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            await self.async_client.get("/request_log/hello/ada/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:Request started: GET '/request_log/hello/ada/' "
                "(sender: AsyncClientHandler)",
                f"INFO:{LOGGER}:Request finished (sender: None)",
            ],
        )

    async def test_got_request_exception_is_sent_under_asgi_too(self):
        with (
            self.assertRaisesMessage(ValueError, "the view failed"),
            self.assertLogs("django.request", "ERROR"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            await self.async_client.get("/request_log/broken/")

        self.assertIn("Unhandled ValueError in GET", logs.output[0])


class FailingMiddleware:
    """A middleware with a bug: it fails before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("the middleware failed")


# Django answers these with a 4xx response and sends no got_request_exception.
CLIENT_ERRORS = {
    Http404: 404,
    PermissionDenied: 403,
    BadRequest: 400,
    SuspiciousOperation: 400,
    DisallowedHost: 400,  # one of the many subclasses of SuspiciousOperation
    MultiPartParserError: 400,
}
RAISABLE = {error.__name__: error for error in [*CLIENT_ERRORS, ValueError]}


def fail_with(request, name):
    """Raise the exception class that the URL names."""
    raise RAISABLE[name](f"{name} raised by the view")


async def fail_async(request):
    raise ValueError("the async view failed")


def fail_while_streaming(request):
    def lines():
        yield "first line\n"
        raise ValueError("the stream failed")

    return StreamingHttpResponse(lines(), content_type="text/plain")


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
    path("fail/<str:name>/", fail_with),
    path("fail-async/", fail_async),
    path("fail-while-streaming/", fail_while_streaming),
    path("wait-forever/", wait_forever),
]

# A 404.html with a bug, as a typo in a tag library name would make.
BROKEN_404_PAGE = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"404.html": "{% load no_such_library %}Not found"},
                )
            ]
        },
    }
]


@override_settings(ROOT_URLCONF=__name__)
class WhenGotRequestExceptionIsSentTests(TestCase):
    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def test_an_exception_in_a_view_sends_it_with_debug_on_and_off(self):
        for debug in (False, True):
            with self.subTest(DEBUG=debug):
                with (
                    override_settings(DEBUG=debug),
                    recording(got_request_exception) as calls,
                    self.assertLogs("django.request", "ERROR"),
                    self.assertLogs(LOGGER, "WARNING"),
                ):
                    response = self.client.get("/fail/ValueError/")

                self.assertEqual(response.status_code, 500)
                self.assertEqual(len(calls), 1)

    @modify_settings(MIDDLEWARE={"append": f"{__name__}.FailingMiddleware"})
    def test_an_exception_in_a_middleware_sends_it_too(self):
        with (
            recording(got_request_exception) as calls,
            self.assertLogs("django.request", "ERROR"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            response = self.client.get("/fail/ValueError/")

        self.assertEqual(response.status_code, 500)
        self.assertEqual(len(calls), 1)
        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Unhandled RuntimeError in GET '/fail/ValueError/'"],
        )

    def test_exceptions_django_answers_with_4xx_send_nothing(self):
        for debug in (False, True):
            for error, status in CLIENT_ERRORS.items():
                with self.subTest(error.__name__, DEBUG=debug):
                    with (
                        override_settings(DEBUG=debug),
                        recording(got_request_exception) as calls,
                        self.assertLogs("django", "WARNING"),
                    ):
                        response = self.client.get(f"/fail/{error.__name__}/")

                    self.assertEqual(response.status_code, status)
                    self.assertEqual(calls, [])

    @override_settings(
        ALLOWED_HOSTS=["testserver"],
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    )
    def test_a_middleware_refusing_an_unknown_host_sends_nothing(self):
        with (
            recording(got_request_exception) as calls,
            self.assertLogs("django.security.DisallowedHost", "ERROR"),
        ):
            response = self.client.get(
                "/fail/ValueError/", headers={"host": "attacker.example"}
            )

        self.assertEqual(response.status_code, 400)  # the view never ran
        self.assertEqual(calls, [])

    @override_settings(DEBUG=False, TEMPLATES=BROKEN_404_PAGE)
    def test_with_debug_off_a_failing_404_page_sends_it(self):
        with (
            recording(got_request_exception) as calls,
            self.assertLogs("django.request", "ERROR"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            response = self.client.get("/no-such-page/")

        self.assertEqual(response.status_code, 500)
        self.assertEqual(len(calls), 1)
        self.assertIn("Unhandled TemplateSyntaxError", logs.output[0])

    @override_settings(DEBUG=True, TEMPLATES=BROKEN_404_PAGE)
    def test_with_debug_on_django_never_renders_that_404_page(self):
        with (
            recording(got_request_exception) as calls,
            self.assertLogs("django.request", "WARNING"),
        ):
            response = self.client.get("/no-such-page/")

        self.assertEqual(response.status_code, 404)
        self.assertEqual(calls, [])

    async def test_an_async_view_sends_it_too(self):
        with (
            recording(got_request_exception) as calls,
            self.assertLogs("django.request", "ERROR"),
            self.assertLogs(LOGGER, "WARNING") as logs,
        ):
            client = AsyncClient(raise_request_exception=False)
            response = await client.get("/fail-async/")

        self.assertEqual(response.status_code, 500)
        [call] = calls
        self.assertIsInstance(call["request"], ASGIRequest)
        # Sent from a worker thread, yet sys.exc_info() still holds the error.
        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Unhandled ValueError in GET '/fail-async/'"],
        )

    def test_an_exception_while_a_response_streams_comes_too_late(self):
        with recording(got_request_exception) as calls:
            response = self.client.get("/fail-while-streaming/")
            with self.assertRaisesMessage(ValueError, "the stream failed"):
                b"".join(response.streaming_content)

        self.assertEqual(response.status_code, 200)  # already on its way
        self.assertEqual(calls, [])


def call_wsgi(path):
    """Call the project's WSGI application the way a WSGI server does."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO()
    return get_wsgi_application()(environ, lambda status, headers: None)


async def call_asgi(path, disconnect_when=None):
    """Call the project's ASGI application the way an ASGI server does.

    The client stays connected, or disconnects once disconnect_when() is true.
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
        with recording(request_started) as calls:
            call_wsgi("/request_log/hello/ada/").close()

        self.assertIs(calls[0]["sender"], WSGIHandler)
        self.assertEqual(arguments(calls[0]), ["environ"])

    def test_wsgi_sends_request_finished_only_when_the_server_closes_the_response(self):
        with recording(request_finished) as calls:
            response = call_wsgi("/request_log/hello/ada/")
            before_close = len(calls)
            response.close()

        self.assertEqual(before_close, 0)
        self.assertEqual([call["sender"] for call in calls], [WSGIHandler])

    async def test_asgi_sends_scope_from_asgi_handler(self):
        with recording(request_started) as calls:
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
            recording(got_request_exception) as calls,
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
