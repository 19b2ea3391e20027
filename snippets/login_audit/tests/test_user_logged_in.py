"""user_logged_in: what the login view, the test client and alogin() send."""

from unittest import mock

from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.core.handlers.wsgi import WSGIRequest
from django.test import TestCase

from .helpers import FAST_AND_TEMPLATED, LOGGER, PASSWORD, recorded

User = get_user_model()


@FAST_AND_TEMPLATED
class LoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def log_in_through_the_view(self, password=PASSWORD):
        return self.client.post(
            "/accounts/login/", {"username": "ada", "password": password}
        )

    def test_the_login_view_sends_the_user_class_request_and_user(self):
        with recorded(user_logged_in) as calls:
            response = self.log_in_through_the_view()

        self.assertEqual(response.status_code, 302)
        [call] = calls
        self.assertIs(call["sender"], User)
        self.assertEqual(call["user"], self.ada)
        self.assertIsInstance(call["request"], WSGIRequest)

    def test_the_user_is_already_logged_in_when_the_signal_fires(self):
        seen = []

        def look(request, user, **kwargs):
            seen.append(request.user == user == get_user(request))

        user_logged_in.connect(look)
        try:
            self.log_in_through_the_view()
        finally:
            user_logged_in.disconnect(look)

        self.assertEqual(seen, [True])

    def test_the_receiver_logs_the_login(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.log_in_through_the_view()

        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged in"])

    def test_client_login_and_force_login_send_it_too(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            self.client.login(username="ada", password=PASSWORD)
            self.client.force_login(self.ada)

        self.assertEqual(len(logs.output), 2)

    def test_django_sets_last_login_with_a_receiver_of_its_own(self):
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        try:
            self.client.login(username="ada", password=PASSWORD)
            self.ada.refresh_from_db()
            without_django_receiver = self.ada.last_login
        finally:
            user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
        self.client.login(username="ada", password=PASSWORD)
        self.ada.refresh_from_db()

        self.assertIsNone(without_django_receiver)
        self.assertIsNotNone(self.ada.last_login)

    async def test_alogin_sends_it_with_asend_not_send(self):
        with (
            mock.patch.object(user_logged_in, "send", side_effect=AssertionError),
            self.assertLogs(LOGGER, "INFO") as logs,
        ):
            await self.async_client.alogin(username="ada", password=PASSWORD)

        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged in"])
