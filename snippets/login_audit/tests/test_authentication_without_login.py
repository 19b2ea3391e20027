"""Authenticating a request without login(): no user_logged_in is sent."""

import base64

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, modify_settings, override_settings

from .helpers import FAST_AND_TEMPLATED, LOGGER, PASSWORD, recorded

User = get_user_model()


def basic_auth_api(request):
    """An API view that checks an HTTP basic-auth header on every request."""
    _scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    username, _, password = base64.b64decode(encoded).decode().partition(":")
    user = authenticate(request, username=username, password=password)
    return HttpResponse(status=401 if user is None else 200)


def basic_auth(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@FAST_AND_TEMPLATED
class LoginWithoutLoginTests(TestCase):
    """Not every way of authenticating a request calls login()."""

    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def test_a_header_checked_on_each_request_sends_no_user_logged_in(self):
        request = RequestFactory().get("/api/", headers=basic_auth("ada", PASSWORD))
        with recorded(user_logged_in) as calls:
            response = basic_auth_api(request)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(calls, [])
        self.ada.refresh_from_db()
        self.assertIsNone(self.ada.last_login)  # update_last_login never ran

    def test_a_wrong_header_still_sends_user_login_failed(self):
        request = RequestFactory().get("/api/", headers=basic_auth("ada", "nope"))
        with recorded(user_login_failed) as calls, self.assertLogs(LOGGER) as logs:
            response = basic_auth_api(request)

        self.assertEqual(response.status_code, 401)
        self.assertIs(calls[0]["request"], request)
        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Failed login for username 'ada' from 127.0.0.1"],
        )

    @modify_settings(
        MIDDLEWARE={"append": "django.contrib.auth.middleware.RemoteUserMiddleware"}
    )
    @override_settings(
        AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.RemoteUserBackend"]
    )
    def test_remote_user_middleware_calls_login_once_per_session(self):
        with recorded(user_logged_in) as calls, self.assertLogs(LOGGER) as logs:
            self.client.get("/accounts/login/", REMOTE_USER="ada")
            self.client.get("/accounts/login/", REMOTE_USER="ada")  # same session

        self.assertEqual([call["user"] for call in calls], [self.ada])
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged in"])
