from unittest import mock

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.core.signals import request_finished
from django.http import HttpResponse, StreamingHttpResponse
from django.test import (
    Client,
    RequestFactory,
    SimpleTestCase,
    modify_settings,
    override_settings,
)
from django.urls import path

from .middleware import RequestTimingMiddleware, client_ip
from .signals import request_timed

MIDDLEWARE = "request_timing.middleware.RequestTimingMiddleware"
LOGGER = "request_timing.signals"


class FakeClock:
    """Stands in for perf_counter(): time moves only when a test says so."""

    now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


CLOCK = FakeClock()


def article(request, pk):
    CLOCK.advance(0.25)
    return HttpResponse(f"article {pk}")


def reset_password(request, token):
    return HttpResponse("choose a new password")


def stream(request):
    def chunks():
        CLOCK.advance(1.0)  # runs while the server sends the body
        yield b"late"

    return StreamingHttpResponse(chunks())


def broken(request):
    raise RuntimeError("bug in a view")


class SlowMiddleware:
    """A middleware that takes half a second, placed after the timer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        CLOCK.advance(0.5)
        return self.get_response(request)


# These tests serve their own URLs: ROOT_URLCONF points at this module.
urlpatterns = [
    path("articles/<int:pk>/", article),
    path("reset/<str:token>/", reset_password),
    path("stream/", stream),
    path("broken/", broken),
]


def recording(calls):
    def record(**kwargs):
        calls.append(kwargs)

    return record


@override_settings(ROOT_URLCONF="request_timing.tests")
@modify_settings(MIDDLEWARE={"prepend": MIDDLEWARE})
@mock.patch("request_timing.middleware.perf_counter", CLOCK)
class RequestTimingTests(SimpleTestCase):
    def test_one_line_per_request_with_route_status_ip_and_duration(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            response = self.client.get("/articles/7/", REMOTE_ADDR="203.0.113.7")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:GET /articles/<int:pk>/ 200 from 203.0.113.7 in 250.0 ms"],
        )

    def test_the_signal_carries_exactly_these_arguments(self):
        calls = []
        receiver = recording(calls)
        request_timed.connect(receiver)
        try:
            self.client.get("/articles/7/?page=2")
        finally:
            request_timed.disconnect(receiver)

        self.assertEqual(
            calls,
            [
                {
                    "signal": request_timed,
                    "sender": RequestTimingMiddleware,
                    "method": "GET",
                    "path": "/articles/7/",
                    "route": "articles/<int:pk>/",
                    "status_code": 200,
                    "client_ip": "127.0.0.1",
                    "duration": 0.25,
                }
            ],
        )

    def test_a_spoofed_forwarded_header_from_a_client_is_ignored(self):
        for proxies in ([], ["10.0.0.1"]):
            with (
                self.subTest(trusted_proxies=proxies),
                self.settings(REQUEST_TIMING_TRUSTED_PROXIES=proxies),
                self.assertLogs(LOGGER, "INFO") as logs,
            ):
                self.client.get(
                    "/articles/7/",
                    REMOTE_ADDR="203.0.113.7",
                    headers={"X-Forwarded-For": "198.51.100.1"},
                )

            self.assertIn(" from 203.0.113.7 ", logs.output[0])

    @override_settings(REQUEST_TIMING_TRUSTED_PROXIES=["10.0.0.1", "10.0.0.2"])
    def test_through_trusted_proxies_the_right_most_untrusted_address_wins(self):
        # The client sent "X-Forwarded-For: 198.51.100.1" to pose as someone
        # else; the first proxy appended the address it saw, 203.0.113.7; the
        # second appended the first proxy, 10.0.0.1.
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get(
                "/articles/7/",
                REMOTE_ADDR="10.0.0.2",
                headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.0.0.1"},
            )

        self.assertIn(" from 203.0.113.7 ", logs.output[0])

    @override_settings(REQUEST_TIMING_TRUSTED_PROXIES=["10.0.0.1"])
    def test_garbage_from_a_trusted_proxy_is_logged_as_unknown(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get(
                "/articles/7/",
                REMOTE_ADDR="10.0.0.1",
                headers={"X-Forwarded-For": "203.0.113.7 INFO:forged"},
            )

        self.assertIn(" from unknown ", logs.output[0])

    def test_no_cookie_authorization_or_query_string_reaches_the_log(self):
        self.client.cookies["sessionid"] = "SECRET-COOKIE"
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get(
                "/articles/7/?api_key=SECRET-QUERY",
                headers={"Authorization": "Bearer SECRET-TOKEN"},
            )

        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:GET /articles/<int:pk>/ 200 from 127.0.0.1 in 250.0 ms"],
        )
        self.assertNotIn("SECRET", "\n".join(logs.output))

    def test_values_in_the_path_are_logged_as_the_route(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/reset/SECRET-RESET-TOKEN/")

        self.assertIn(" /reset/<str:token>/ 200 ", logs.output[0])
        self.assertNotIn("SECRET", logs.output[0])

    def test_an_unmatched_path_is_logged_escaped(self):
        # %0A decodes to a newline in request.path; logged raw, it would
        # start a forged log line.
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/no-such-page%0AINFO:forged/")

        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:GET /no-such-page%0AINFO:forged/ 404"
                " from 127.0.0.1 in 0.0 ms"
            ],
        )

    def test_a_view_that_raises_is_timed_as_a_500(self):
        client = Client(raise_request_exception=False)
        with (
            self.assertLogs("django.request", "ERROR"),
            self.assertLogs(LOGGER, "INFO") as logs,
        ):
            response = client.get("/broken/")

        self.assertEqual(response.status_code, 500)
        self.assertIn(" /broken/ 500 ", logs.output[0])

    def test_a_streamed_body_is_not_timed(self):
        # The middleware gets the response before its body is generated.
        with self.assertLogs(LOGGER, "INFO") as logs:
            response = self.client.get("/stream/")
        self.assertEqual(b"".join(response.streaming_content), b"late")

        self.assertIn(" /stream/ 200 from 127.0.0.1 in 0.0 ms", logs.output[0])

    @modify_settings(MIDDLEWARE={"append": "request_timing.tests.SlowMiddleware"})
    def test_placed_first_it_times_the_middleware_after_it(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/articles/7/")

        self.assertIn(" in 750.0 ms", logs.output[0])

    @modify_settings(MIDDLEWARE={"prepend": "request_timing.tests.SlowMiddleware"})
    def test_placed_after_another_middleware_it_misses_its_time(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.get("/articles/7/")

        self.assertIn(" in 250.0 ms", logs.output[0])

    def test_a_failing_receiver_does_not_break_the_response(self):
        def fail(**kwargs):
            raise RuntimeError("metrics backend down")

        request_timed.connect(fail)
        try:
            with self.assertLogs("django.dispatch", "ERROR") as errors:
                response = self.client.get("/articles/7/")
        finally:
            request_timed.disconnect(fail)

        self.assertEqual(response.status_code, 200)
        self.assertIn("metrics backend down", errors.output[0])

    async def test_under_asgi_it_runs_async_and_logs_the_same_line(self):
        asend = mock.patch.object(
            request_timed, "asend_robust", wraps=request_timed.asend_robust
        )
        with asend as sent, self.assertLogs(LOGGER, "INFO") as logs:
            response = await self.async_client.get("/articles/7/")

        sent.assert_awaited_once()

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:GET /articles/<int:pk>/ 200 from 127.0.0.1 in 250.0 ms"],
        )

    def test_under_wsgi_it_runs_sync_and_sends_without_awaiting(self):
        send = mock.patch.object(
            request_timed, "send_robust", wraps=request_timed.send_robust
        )
        with send as sent, self.assertLogs(LOGGER, "INFO"):
            self.client.get("/articles/7/")

        sent.assert_called_once()

    def test_the_duration_does_not_depend_on_the_clocks_origin(self):
        # perf_counter() has no fixed reference point: it may start near zero.
        clients = {"wsgi": self.client, "asgi": self.async_client}
        for name, client in clients.items():
            get = async_to_sync(client.get) if name == "asgi" else client.get
            with (
                self.subTest(handler=name),
                mock.patch.object(CLOCK, "now", 0.125),
                self.assertLogs(LOGGER, "INFO") as logs,
            ):
                get("/articles/7/")

            self.assertIn(" in 250.0 ms", logs.output[0])

    def test_request_finished_receivers_get_no_request(self):
        # Why a custom signal: request_finished cannot tell you which request
        # finished, let alone where it came from or how long it took.
        calls = []
        receiver = recording(calls)
        request_finished.connect(receiver)
        try:
            self.client.get("/articles/7/")
        finally:
            request_finished.disconnect(receiver)

        self.assertEqual([sorted(kwargs) for kwargs in calls], [["sender", "signal"]])


class MiddlewareModeTests(SimpleTestCase):
    def test_an_async_chain_gets_an_async_middleware(self):
        async def get_response(request):
            return HttpResponse()

        self.assertTrue(iscoroutinefunction(RequestTimingMiddleware(get_response)))

    def test_a_sync_chain_gets_a_sync_middleware(self):
        self.assertFalse(iscoroutinefunction(RequestTimingMiddleware(HttpResponse)))


CLIENT_IP_CASES = [
    # (REMOTE_ADDR, X-Forwarded-For, trusted proxies, client IP)
    ("203.0.113.7", "", [], "203.0.113.7"),
    ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),
    ("203.0.113.7", "198.51.100.1", ["10.0.0.1"], "203.0.113.7"),
    ("10.0.0.1", "203.0.113.7", ["10.0.0.1"], "203.0.113.7"),
    (
        "10.0.0.2",
        "198.51.100.1, 203.0.113.7, 10.0.0.1",
        ["10.0.0.1", "10.0.0.2"],
        "203.0.113.7",
    ),
    ("10.0.0.2", "203.0.113.7,10.9.9.9", ["10.0.0.0/8"], "203.0.113.7"),
    ("10.0.0.1", "2001:db8::7, 10.0.0.3", ["10.0.0.0/8"], "2001:db8::7"),
    ("10.0.0.1", "", ["10.0.0.1"], "10.0.0.1"),
    ("10.0.0.1", "10.0.0.5", ["10.0.0.0/8"], "10.0.0.5"),
    ("10.0.0.1", "not-an-ip", ["10.0.0.1"], None),
    ("10.0.0.1", "203.0.113.7\nINFO:forged", ["10.0.0.1"], None),
    ("2001:0db8:0000::0001", "", [], "2001:db8::1"),
    ("", "203.0.113.7", [], None),
]


class ClientIpTests(SimpleTestCase):
    def test_cases(self):
        factory = RequestFactory()
        for remote, forwarded, proxies, expected in CLIENT_IP_CASES:
            with (
                self.subTest(remote=remote, forwarded=forwarded, proxies=proxies),
                self.settings(REQUEST_TIMING_TRUSTED_PROXIES=proxies),
            ):
                request = factory.get("/", REMOTE_ADDR=remote)
                if forwarded:
                    request.META["HTTP_X_FORWARDED_FOR"] = forwarded
                self.assertEqual(client_ip(request), expected)

    @override_settings(REQUEST_TIMING_TRUSTED_PROXIES=["10.0.0.1/8"])
    def test_a_proxy_network_may_be_written_with_its_host_bits_set(self):
        # As `ip addr` shows it: the address, then the prefix length.
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.7"}
        )

        self.assertEqual(client_ip(request), "203.0.113.7")

    def test_without_the_setting_no_proxy_is_trusted(self):
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.1", headers={"X-Forwarded-For": "203.0.113.7"}
        )

        self.assertEqual(client_ip(request), "10.0.0.1")
