"""The login, logout and login_failed diagrams."""

from unittest import mock

from django.conf import global_settings
from django.contrib import auth
from django.contrib.auth.signals import user_logged_in
from django.test import TestCase, override_settings
from signal_tracer.tracer import trace_signals

from ..scenarios import User, _login_request
from .helpers import SESSION, USER, sends, values


class AuthTests(TestCase):
    def test_login_loads_the_user_saves_a_session_then_sends_user_logged_in(self):
        self.assertEqual(
            sends("login"),
            [
                ("pre_init", USER),
                ("post_init", USER),
                ("pre_init", SESSION),
                ("post_init", SESSION),
                ("pre_save", SESSION),
                ("post_save", SESSION),
                ("user_logged_in", USER),
                ("pre_save", USER),
                ("post_save", USER),
            ],
        )
        self.assertEqual(values("login", "post_save", "created"), ["True", "False"])

    def test_last_login_is_saved_by_djangos_own_receiver(self):
        # Without update_last_login (Django connects it with this dispatch_uid),
        # nothing saves the user after user_logged_in. Patching the list keeps
        # every other receiver, and puts it back in its place afterwards.
        others = [r for r in user_logged_in.receivers if r[0][0] != "update_last_login"]
        with mock.patch.object(user_logged_in, "receivers", others):
            recorded = sends("login")

        self.assertEqual(recorded[-1], ("user_logged_in", USER))
        self.assertEqual(sends("login")[-2:], [("pre_save", USER), ("post_save", USER)])
        self.assertEqual(
            values("login", "post_save", "update_fields")[-1],
            "frozenset({'last_login'})",
        )

    @override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
    def test_the_session_rows_come_from_the_database_session_engine(self):
        self.assertEqual(
            global_settings.SESSION_ENGINE, "django.contrib.sessions.backends.db"
        )
        self.assertNotIn(SESSION, {sender for _, sender in sends("login")})
        self.assertNotIn(SESSION, {sender for _, sender in sends("logout")})

    def test_without_record_first_the_last_login_save_is_recorded_first(self):
        user = User.objects.create_user("ada")
        request = _login_request()
        with trace_signals() as trace:
            auth.login(request, user)

        self.assertEqual(
            [send.signal for send in trace.sent_by(USER)],
            ["pre_save", "post_save", "user_logged_in"],
        )

    def test_logout_sends_user_logged_out_then_deletes_the_session(self):
        self.assertEqual(
            sends("logout"),
            [
                ("user_logged_out", USER),
                ("pre_init", SESSION),
                ("post_init", SESSION),
                ("pre_delete", SESSION),
                ("post_delete", SESSION),
            ],
        )
        self.assertEqual(values("logout", "user_logged_out", "user"), ["<auth.User>"])

    def test_a_failed_login_loads_the_user_then_sends_user_login_failed(self):
        self.assertEqual(
            sends("login_failed"),
            [
                ("pre_init", USER),
                ("post_init", USER),
                ("user_login_failed", "'django.contrib.auth'"),
            ],
        )
