import re
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

import django
from django.contrib.auth import alogout, authenticate, get_user, get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_save
from django.http import HttpRequest
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext

User = get_user_model()
LOGGER = "login_audit.signals"
PASSWORD = "correct-horse-battery"
WRONG_PASSWORD = "wrong-but-secret-guess"

# Fast hashing for tests; and the project has no login template, so the login
# view gets a one-line one (it renders it again when a login fails).
FAST_AND_TEMPLATED = override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"registration/login.html": "{{ form.errors }}"},
                    )
                ]
            },
        }
    ],
)


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
        with recording(user_logged_in) as calls:
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


@FAST_AND_TEMPLATED
class LogoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def log_out_through_the_view(self):
        return self.client.post("/accounts/logout/?next=/")

    def test_logout_sends_the_user_class_and_the_user(self):
        self.client.force_login(self.ada)
        with recording(user_logged_out) as calls, self.assertLogs(LOGGER) as logs:
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
        with recording(user_logged_out) as calls, self.assertLogs(LOGGER):
            await self.async_client.alogout()

        self.assertIsNone(calls[0]["user"])

    def test_an_anonymous_logout_sends_user_none_and_sender_nonetype(self):
        with recording(user_logged_out) as calls, self.assertLogs(LOGGER) as logs:
            self.log_out_through_the_view()

        [call] = calls
        self.assertIsNone(call["user"])
        self.assertIs(call["sender"], type(None))
        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:An anonymous visitor logged out"]
        )


@FAST_AND_TEMPLATED
class LoginFailedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def fail_through_the_view(self, username="ada"):
        return self.client.post(
            "/accounts/login/", {"username": username, "password": WRONG_PASSWORD}
        )

    def test_sender_is_a_module_name_and_the_password_is_masked(self):
        with recording(user_login_failed) as calls, self.assertLogs(LOGGER):
            response = self.fail_through_the_view()

        self.assertEqual(response.status_code, 200)  # the form, shown again
        [call] = calls
        self.assertEqual(call["sender"], "django.contrib.auth")
        self.assertEqual(call["credentials"], {"username": "ada", "password": "*" * 20})
        self.assertEqual(call["request"].path, "/accounts/login/")

    def test_the_receiver_logs_username_and_address(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.fail_through_the_view()

        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Failed login for username 'ada' from 127.0.0.1"],
        )

    def test_no_log_line_from_any_logger_holds_the_password(self):
        with self.assertLogs(level="DEBUG") as logs:  # the root logger: all of them
            self.fail_through_the_view()
            self.client.login(username="ada", password=WRONG_PASSWORD)
            authenticate(username="ada", password=WRONG_PASSWORD)

        self.assertNotIn(WRONG_PASSWORD, "\n".join(logs.output))

    def test_without_a_request_the_signal_carries_none(self):
        with recording(user_login_failed) as calls, self.assertLogs(LOGGER) as logs:
            self.client.login(username="ada", password=WRONG_PASSWORD)

        self.assertIsNone(calls[0]["request"])
        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Failed login for username 'ada' from None"],
        )

    def test_django_masks_by_name_only_so_the_receiver_logs_an_allow_list(self):
        # A credential whose name does not look secret reaches receivers as is.
        with recording(user_login_failed) as calls, self.assertLogs(LOGGER) as logs:
            authenticate(username="ada", pin="4321")

        self.assertEqual(calls[0]["credentials"], {"username": "ada", "pin": "4321"})
        self.assertNotIn("4321", "\n".join(logs.output))

    def test_django_masks_the_keys_that_look_secret(self):
        secret_looking = ["password", "token", "api", "key", "secret", "signature"]
        with recording(user_login_failed) as calls, self.assertLogs(LOGGER):
            authenticate(username="ada", **dict.fromkeys(secret_looking, "s3cr3t"))

        credentials = calls[0]["credentials"]
        self.assertEqual([credentials[key] for key in secret_looking], ["*" * 20] * 6)

    def test_a_newline_in_the_username_cannot_forge_a_log_line(self):
        with self.assertLogs(LOGGER) as logs:
            self.fail_through_the_view(username="ada\nINFO:fake")

        self.assertNotIn("\n", logs.output[0])
        self.assertIn(r"'ada\nINFO:fake'", logs.output[0])

    async def test_aauthenticate_sends_it_with_asend(self):
        with self.assertLogs(LOGGER) as logs:
            await self.async_client.alogin(username="ada", password=WRONG_PASSWORD)

        self.assertIn("Failed login for username 'ada'", logs.output[0])


@FAST_AND_TEMPLATED
class PasswordChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def test_a_saved_password_change_is_logged_after_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            self.ada.set_password("a-brand-new-one")
            with self.assertNoLogs(LOGGER):
                self.ada.save()

        with self.assertLogs(LOGGER) as logs:
            for callback in callbacks:
                callback()

        self.assertIn(f"INFO:{LOGGER}:User {self.ada.pk} changed password", logs.output)

    def test_the_password_change_view_is_seen(self):
        self.client.force_login(self.ada)
        new = "another-brand-new-one"
        with (
            self.assertLogs(LOGGER) as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(
                "/accounts/password_change/",
                {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
            )

        self.assertEqual(response.status_code, 302)
        self.assertIn(f"INFO:{LOGGER}:User {self.ada.pk} changed password", logs.output)

    def test_a_rolled_back_change_tells_nobody(self):
        with (
            self.assertNoLogs(LOGGER),
            self.captureOnCommitCallbacks(execute=True),
            suppress(RuntimeError),
            transaction.atomic(),
        ):
            self.ada.set_password("never-committed")
            self.ada.save()
            raise RuntimeError("roll back")

    def test_a_failed_save_leaves_no_flag_for_the_next_one(self):
        User.objects.create_user("grace")
        self.ada.set_password("a-brand-new-one")
        self.ada.username = "grace"  # taken: this save fails
        with suppress(IntegrityError), transaction.atomic():
            self.ada.save()
        self.ada.username = "ada"

        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            self.ada.save(update_fields=["first_name"])

    def test_other_saves_and_new_users_are_not_password_changes(self):
        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            self.ada.first_name = "Ada"
            self.ada.save()
            User.objects.create_user("grace", password=PASSWORD)

    def test_login_saves_only_last_login_so_the_check_skips_its_query(self):
        with recording(pre_save) as calls:
            self.client.login(username="ada", password=PASSWORD)
        with CaptureQueriesContext(connection) as queries:
            self.ada.save(update_fields=["last_login"])

        saves = [call for call in calls if call["sender"] is User]
        self.assertEqual(saves[0]["update_fields"], frozenset({"last_login"}))
        self.assertFalse(any("password" in q["sql"] for q in queries.captured_queries))

    def test_queryset_update_bypasses_signals_and_goes_unseen(self):
        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            User.objects.filter(pk=self.ada.pk).update(password="!changed-in-bulk")


class LoaddataTests(TestCase):
    def test_restoring_a_user_from_a_fixture_is_not_a_password_change(self):
        User.objects.create_user("ada", pk=4242)

        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            call_command("loaddata", "restored_user.json", verbosity=0)

        self.assertEqual(User.objects.get(pk=4242).password, "!restored-from-a-backup")


class NoSuchSignalTests(SimpleTestCase):
    def test_no_django_signal_is_about_passwords_or_sessions(self):
        # Read every module of the installed Django for "name = Signal(...)".
        defined = re.compile(r"^(\w+) = (?:Model)?Signal\(", re.MULTILINE)
        names = []
        for path in Path(django.__file__).parent.rglob("*.py"):
            names += defined.findall(path.read_text(encoding="utf-8"))

        self.assertIn("user_logged_in", names)
        self.assertFalse([n for n in names if "password" in n or "session" in n])
