"""When got_request_exception is sent, and the failures that send nothing."""

from unittest import mock

from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    SuspiciousOperation,
)
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.test import (
    AsyncClient,
    Client,
    TestCase,
    modify_settings,
    override_settings,
)
from django.urls import include, path

from .helpers import LOGGER, arguments, fail_while_streaming, recorded


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


# The URLs the tests request, whatever the project's URLconf holds.
urlpatterns = [
    path("request_log/", include("request_log.urls")),
    path("fail/<str:name>/", fail_with),
    path("fail-async/", fail_async),
    path("fail-while-streaming/", fail_while_streaming),
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
class UnhandledExceptionTests(TestCase):
    def test_got_request_exception_gets_sender_none_and_the_request(self):
        client = Client(raise_request_exception=False)
        with (
            recorded(got_request_exception) as calls,
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
class WhenGotRequestExceptionIsSentTests(TestCase):
    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def test_an_exception_in_a_view_sends_it_with_debug_on_and_off(self):
        for debug in (False, True):
            with self.subTest(DEBUG=debug):
                with (
                    override_settings(DEBUG=debug),
                    recorded(got_request_exception) as calls,
                    self.assertLogs("django.request", "ERROR"),
                    self.assertLogs(LOGGER, "WARNING"),
                ):
                    response = self.client.get("/fail/ValueError/")

                self.assertEqual(response.status_code, 500)
                self.assertEqual(len(calls), 1)

    @modify_settings(MIDDLEWARE={"append": f"{__name__}.FailingMiddleware"})
    def test_an_exception_in_a_middleware_sends_it_too(self):
        with (
            recorded(got_request_exception) as calls,
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
                        recorded(got_request_exception) as calls,
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
            recorded(got_request_exception) as calls,
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
            recorded(got_request_exception) as calls,
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
            recorded(got_request_exception) as calls,
            self.assertLogs("django.request", "WARNING"),
        ):
            response = self.client.get("/no-such-page/")

        self.assertEqual(response.status_code, 404)
        self.assertEqual(calls, [])

    async def test_an_async_view_sends_it_too(self):
        with (
            recorded(got_request_exception) as calls,
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
        with recorded(got_request_exception) as calls:
            response = self.client.get("/fail-while-streaming/")
            with self.assertRaisesMessage(ValueError, "the stream failed"):
                b"".join(response.streaming_content)

        self.assertEqual(response.status_code, 200)  # already on its way
        self.assertEqual(calls, [])
