"""The test clients send the request signals from handlers of their own."""

from django.core.signals import request_finished, request_started
from django.http import HttpResponse
from django.test import TestCase, override_settings
from django.test.client import AsyncClientHandler, ClientHandler
from django.urls import include, path

from .helpers import LOGGER, arguments, recorded

# The URLs the tests request, whatever the project's URLconf holds.
urlpatterns = [
    path("request_log/", include("request_log.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
class TestClientTests(TestCase):
    """The test Client goes through a WSGI-style handler: ClientHandler."""

    def test_request_started_gets_environ_and_no_request(self):
        with recorded(request_started) as calls:
            self.client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIs(call["sender"], ClientHandler)
        self.assertEqual(arguments(call), ["environ"])
        self.assertEqual(call["environ"]["PATH_INFO"], "/request_log/hello/ada/")

    def test_request_finished_gets_no_arguments_and_sender_none(self):
        # Unlike WSGIHandler, the test client's handler does not tell the
        # response who it is, so the response sends request_finished with None.
        with recorded(request_finished) as calls:
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
        with recorded(request_started) as calls, self.assertLogs(LOGGER) as logs:
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
        with recorded(request_finished) as calls, self.assertLogs(LOGGER) as logs:
            HttpResponse().close()

        self.assertIsNone(calls[0]["sender"])
        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:Request finished (sender: None)"]
        )


@override_settings(ROOT_URLCONF=__name__)
class AsyncClientTests(TestCase):
    """AsyncClient goes through an ASGI-style handler: AsyncClientHandler."""

    async def test_request_started_gets_scope_and_no_request(self):
        with recorded(request_started) as calls:
            await self.async_client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIs(call["sender"], AsyncClientHandler)
        self.assertEqual(arguments(call), ["scope"])
        self.assertEqual(call["scope"]["path"], "/request_log/hello/ada/")

    async def test_request_finished_gets_no_arguments_and_sender_none(self):
        with recorded(request_finished) as calls:
            await self.async_client.get("/request_log/hello/ada/")

        [call] = calls
        self.assertIsNone(call["sender"])
        self.assertEqual(arguments(call), [])

    async def test_the_scope_carries_cookies_and_headers_too(self):
        self.async_client.cookies["sessionid"] = "secret-session-id"
        with recorded(request_started) as calls:
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
