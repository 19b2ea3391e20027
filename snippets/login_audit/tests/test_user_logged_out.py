"""user_logged_out: before the session is flushed, and for anonymous visitors."""

from django.contrib.auth import alogout, get_user, get_user_model
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import TestCase

from .helpers import FAST_AND_TEMPLATED, LOGGER, PASSWORD, recorded

User = get_user_model()


@FAST_AND_TEMPLATED
class LogoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def log_out_through_the_view(self):
        return self.client.post("/accounts/logout/?next=/")

    def test_logout_sends_the_user_class_and_the_user(self):
        self.client.force_login(self.ada)
        with recorded(user_logged_out) as calls, self.assertLogs(LOGGER) as logs:
            self.log_out_through_the_view()

        [call] = calls
        self.assertIs(call["sender"], User)
        self.assertEqual(call["user"], self.ada)
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged out"])

    def test_it_fires_before_the_session_is_flushed(self):
        self.client.force_login(self.ada)
        seen = []

        def look(request, **kwargs):
            seen.append(get_user(request) == self.ada)

        user_logged_out.connect(look)
        try:
            self.log_out_through_the_view()
        finally:
            user_logged_out.disconnect(look)

        self.assertEqual(seen, [True])
        self.assertFalse(get_user(self.client).is_authenticated)

    async def test_alogout_sends_it_too(self):
        # What AuthenticationMiddleware gives an async view: request.auser().
        request = HttpRequest()
        request.session = SessionStore()
        ada = self.ada

        async def auser():
            return ada

        request.auser = auser

        with self.assertLogs(LOGGER) as logs:
            await alogout(request)

        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged out"])

    async def test_async_client_alogout_reports_no_user(self):
        # AsyncClient.alogout() sets request.user, but alogout() reads
        # request.auser(), so the signal says nobody was logged in.
        await self.async_client.aforce_login(self.ada)
        with recorded(user_logged_out) as calls, self.assertLogs(LOGGER):
            await self.async_client.alogout()

        self.assertIsNone(calls[0]["user"])

    def test_an_anonymous_logout_sends_user_none_and_sender_nonetype(self):
        with recorded(user_logged_out) as calls, self.assertLogs(LOGGER) as logs:
            self.log_out_through_the_view()

        [call] = calls
        self.assertIsNone(call["user"])
        self.assertIs(call["sender"], type(None))
        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:An anonymous visitor logged out"]
        )
