import base64
import re
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock, skipIf, skipUnless

import django
from django.contrib import auth
from django.contrib.auth import (
    alogout,
    authenticate,
    get_user,
    get_user_model,
    password_validation,
)
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import SetPasswordForm, UserCreationForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import get_default_password_validators
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse
from django.test import (
    RequestFactory,
    SimpleTestCase,
    TestCase,
    TransactionTestCase,
    modify_settings,
    override_settings,
)
from django.test.utils import isolate_apps
from django.urls import include, path

from .passwords import PasswordChangeNotifier, password_changed

User = get_user_model()
LOGGER = "login_audit.signals"
PASSWORD = "correct-horse-battery"
WRONG_PASSWORD = "wrong-but-secret-guess"

# Django's auth views at /accounts/. The tests make this module their URLconf,
# so they pass in any project, wherever it mounts those views.
urlpatterns = [path("accounts/", include("django.contrib.auth.urls"))]

# Fast hashing for tests; and the project has no login template, so the login
# view gets a one-line one (it renders it again when a login fails).
FAST_AND_TEMPLATED = override_settings(
    ROOT_URLCONF=__name__,
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

    def test_sender_is_matched_by_identity_so_an_equal_string_never_matches(self):
        """connect(sender=...) compares id(), and Django sends its own __name__."""
        literal = "django.contrib.auth"  # equal to Django's sender, not the same object
        self.assertEqual(literal, auth.__name__)
        self.assertIsNot(literal, auth.__name__)
        by_literal, by_module_name = [], []

        def hear_literal(**kwargs):
            by_literal.append(kwargs)

        def hear_module_name(**kwargs):
            by_module_name.append(kwargs)

        user_login_failed.connect(hear_literal, sender=literal)
        user_login_failed.connect(hear_module_name, sender=auth.__name__)
        try:
            with self.assertLogs(LOGGER):
                authenticate(username="ada", password=WRONG_PASSWORD)
        finally:
            user_login_failed.disconnect(hear_literal, sender=literal)
            user_login_failed.disconnect(hear_module_name, sender=auth.__name__)

        self.assertEqual(by_literal, [])
        self.assertEqual(len(by_module_name), 1)

    @override_settings(
        AUTHENTICATION_BACKENDS=[
            "login_audit.tests.RefusingBackend",
            "django.contrib.auth.backends.ModelBackend",
        ]
    )
    def test_a_backend_raising_permission_denied_sends_it_too(self):
        with recording(user_login_failed) as calls, self.assertLogs(LOGGER):
            user = authenticate(username="ada", password=PASSWORD)  # the right one

        self.assertIsNone(user)  # ModelBackend was never asked
        self.assertEqual(len(calls), 1)


class RefusingBackend(BaseBackend):
    """A backend that vetoes every login, as a lockout backend does."""

    def authenticate(self, request, **credentials):
        raise PermissionDenied


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
        with recording(user_logged_in) as calls:
            response = basic_auth_api(request)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(calls, [])
        self.ada.refresh_from_db()
        self.assertIsNone(self.ada.last_login)  # update_last_login never ran

    def test_a_wrong_header_still_sends_user_login_failed(self):
        request = RequestFactory().get("/api/", headers=basic_auth("ada", "nope"))
        with recording(user_login_failed) as calls, self.assertLogs(LOGGER) as logs:
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
        with recording(user_logged_in) as calls, self.assertLogs(LOGGER) as logs:
            self.client.get("/accounts/login/", REMOTE_USER="ada")
            self.client.get("/accounts/login/", REMOTE_USER="ada")  # same session

        self.assertEqual([call["user"] for call in calls], [self.ada])
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged in"])


# Password changes ----------------------------------------------------------


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's default hasher at 2 iterations, so the tests stay fast.

    A hash stored with 1 iteration is then out of date, as a Django 5.2 hash
    (1,000,000 iterations) is on Django 6.1 (1,500,000).
    """

    iterations = 2


# --8<-- [start:setting]
AUTH_PASSWORD_VALIDATORS = [
    # ...the validators you already have, then:
    {"NAME": "login_audit.passwords.PasswordChangeNotifier"},
]
# --8<-- [end:setting]

PASSWORDS = override_settings(
    ROOT_URLCONF=__name__,
    AUTH_PASSWORD_VALIDATORS=AUTH_PASSWORD_VALIDATORS,
    PASSWORD_HASHERS=[
        "login_audit.tests.FastPBKDF2PasswordHasher",  # preferred: new hashes
        "django.contrib.auth.hashers.MD5PasswordHasher",  # accepted, then upgraded
    ],
)
NEW_PASSWORD = "a-brand-new-one"
CHANGED = "changed password"


def changes(logs):
    return [line for line in logs.output if CHANGED in line]


@contextmanager
def committed_logs(test):
    """What the app logs, on_commit callbacks included (as if committed)."""
    with test.assertLogs(LOGGER) as logs, test.captureOnCommitCallbacks(execute=True):
        yield logs


@contextmanager
def nothing_reported(test):
    """Neither the signal nor a log line, even once the transaction commits."""
    with (
        recording(password_changed) as calls,
        test.assertNoLogs(LOGGER),
        test.captureOnCommitCallbacks(execute=True),
    ):
        yield
    test.assertEqual(calls, [])


@PASSWORDS
class PasswordChangeTests(TestCase):
    """A real change is logged once its transaction commits."""

    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def test_the_setting_installs_the_notifier(self):
        [notifier] = get_default_password_validators()
        self.assertIsInstance(notifier, PasswordChangeNotifier)

    def test_set_password_then_save_is_logged_after_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            self.ada.set_password(NEW_PASSWORD)
            with self.assertNoLogs(LOGGER):
                self.ada.save()

        with self.assertLogs(LOGGER) as logs:
            for callback in callbacks:
                callback()

        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} changed password"]
        )

    def test_saving_only_the_password_field_is_logged_too(self):
        self.ada.set_password(NEW_PASSWORD)
        with committed_logs(self) as logs:
            self.ada.save(update_fields=["password"])

        self.assertEqual(len(changes(logs)), 1)

    def test_the_password_change_view_is_logged(self):
        self.client.force_login(self.ada)
        with committed_logs(self) as logs:
            response = self.client.post(
                "/accounts/password_change/",
                {
                    "old_password": PASSWORD,
                    "new_password1": NEW_PASSWORD,
                    "new_password2": NEW_PASSWORD,
                },
            )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(changes(logs)), 1)

    def test_a_reset_through_set_password_form_is_logged(self):
        # PasswordResetConfirmView saves this form once the emailed link checks out.
        form = SetPasswordForm(
            self.ada, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.assertTrue(form.is_valid(), form.errors)
        with committed_logs(self) as logs:
            form.save()

        self.assertEqual(len(changes(logs)), 1)

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

    def test_the_signal_carries_the_user_and_never_the_password(self):
        with (
            recording(password_changed) as calls,
            self.assertLogs(level="DEBUG") as logs,  # the root logger: all of them
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.ada.set_password(NEW_PASSWORD)
            self.ada.save()

        [call] = calls
        self.assertEqual(set(call), {"signal", "sender", "user"})
        self.assertIs(call["sender"], User)
        self.assertIs(call["user"], self.ada)
        self.assertNotIn(NEW_PASSWORD, "\n".join(logs.output))

    def test_a_failed_save_reports_nothing_until_a_save_succeeds(self):
        User.objects.create_user("grace")
        self.ada.set_password(NEW_PASSWORD)
        self.ada.username = "grace"  # taken: this save fails
        with (
            self.assertNoLogs(LOGGER),
            self.captureOnCommitCallbacks(execute=True),
            suppress(IntegrityError),
            transaction.atomic(),
        ):
            self.ada.save()

        self.ada.username = "ada"
        with committed_logs(self) as logs:
            self.ada.save()  # writes the new password at last

        self.assertEqual(len(changes(logs)), 1)

    def test_django_does_not_look_at_update_fields(self):
        # Only the email is written, yet Django reports the new password.
        self.ada.set_password(NEW_PASSWORD)
        with committed_logs(self) as logs:
            self.ada.save(update_fields=["email"])

        self.assertEqual(len(changes(logs)), 1)
        self.assertTrue(User.objects.get(pk=self.ada.pk).check_password(PASSWORD))

    def test_only_the_first_save_after_set_password_reports_it(self):
        self.ada.set_password(NEW_PASSWORD)
        with committed_logs(self) as logs:
            self.ada.save()
            self.ada.first_name = "Ada"
            self.ada.save()

        self.assertEqual(len(changes(logs)), 1)


@PASSWORDS
class NotAPasswordChangeTests(TestCase):
    """What Django does not report, and what the notifier leaves out."""

    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada", password=PASSWORD)

    def test_create_user_hashes_with_make_password_so_django_says_nothing(self):
        with (
            nothing_reported(self),
            mock.patch.object(PasswordChangeNotifier, "password_changed") as told,
        ):
            User.objects.create_user("grace", password=PASSWORD)
            User.objects.create_superuser("root", password=PASSWORD)

        told.assert_not_called()

    def test_a_new_user_from_user_creation_form_is_not_a_change(self):
        form = UserCreationForm(
            {"username": "grace", "password1": PASSWORD, "password2": PASSWORD}
        )
        self.assertTrue(form.is_valid(), form.errors)
        spy = mock.patch.object(
            PasswordChangeNotifier,
            "password_changed",
            autospec=True,
            side_effect=PasswordChangeNotifier.password_changed,
        )
        with nothing_reported(self), spy as told:
            grace = form.save()

        told.assert_called_once()  # Django calls it: the form used set_password()
        self.assertTrue(grace.check_password(PASSWORD))

    def test_a_new_users_next_change_is_reported(self):
        form = UserCreationForm(
            {"username": "grace", "password1": PASSWORD, "password2": PASSWORD}
        )
        self.assertTrue(form.is_valid(), form.errors)
        grace = form.save()
        grace.set_password(NEW_PASSWORD)
        with committed_logs(self) as logs:
            grace.save()

        self.assertEqual(changes(logs), [f"INFO:{LOGGER}:User {grace.pk} {CHANGED}"])

    def test_other_saves_are_not_password_changes(self):
        with nothing_reported(self):
            self.ada.first_name = "Ada"
            self.ada.save()

    def test_set_unusable_password_is_not_reported(self):
        with nothing_reported(self):
            self.ada.set_unusable_password()
            self.ada.save()

        self.assertFalse(self.ada.has_usable_password())

    def test_queryset_update_sends_no_signals_and_goes_unseen(self):
        with nothing_reported(self):
            User.objects.filter(pk=self.ada.pk).update(password=make_password("x-y-z"))

    def test_without_a_user_there_is_nothing_to_report(self):
        with recording(password_changed) as calls:
            password_validation.password_changed(NEW_PASSWORD)

        self.assertEqual(calls, [])

    def test_the_notifier_accepts_every_password(self):
        self.assertIsNone(password_validation.validate_password("1"))


@PASSWORDS
class HashUpgradeTests(TestCase):
    """Django rehashes an out-of-date hash at login: that is not a change."""

    @classmethod
    def setUpTestData(cls):
        hasher = FastPBKDF2PasswordHasher()
        one_iteration = hasher.encode(PASSWORD, hasher.salt(), iterations=1)
        cls.ada = User.objects.create(username="ada", password=one_iteration)
        md5 = get_hasher("md5")
        cls.grace = User.objects.create(
            username="grace", password=md5.encode(PASSWORD, md5.salt())
        )

    def assertUpgraded(self, user):
        user.refresh_from_db()
        self.assertTrue(user.password.startswith("pbkdf2_sha256$2$"), user.password)

    def test_check_password_upgrades_an_md5_hash_without_reporting_it(self):
        with nothing_reported(self):
            self.assertTrue(self.grace.check_password(PASSWORD))

        self.assertUpgraded(self.grace)

    def test_check_password_adds_iterations_without_reporting_it(self):
        with nothing_reported(self):
            self.assertTrue(self.ada.check_password(PASSWORD))

        self.assertUpgraded(self.ada)

    def test_an_upgrade_saves_the_password_field_like_a_change_does(self):
        # Why comparing hashes in pre_save cannot tell them apart.
        with recording(pre_save) as calls:
            self.ada.check_password(PASSWORD)

        [call] = [call for call in calls if call["sender"] is User]
        self.assertEqual(call["update_fields"], frozenset({"password"}))

    def test_authenticate_upgrades_without_reporting_it(self):
        with nothing_reported(self):
            self.assertEqual(authenticate(username="ada", password=PASSWORD), self.ada)

        self.assertUpgraded(self.ada)

    def test_a_login_through_the_client_logs_the_login_only(self):
        with committed_logs(self) as logs:
            self.assertTrue(self.client.login(username="grace", password=PASSWORD))

        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.grace.pk} logged in"])
        self.assertUpgraded(self.grace)

    def test_a_login_through_the_login_view_logs_the_login_only(self):
        with committed_logs(self) as logs:
            response = self.client.post(
                "/accounts/login/", {"username": "ada", "password": PASSWORD}
            )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged in"])
        self.assertUpgraded(self.ada)

    async def test_alogin_upgrades_without_reporting_it(self):
        with recording(password_changed) as calls, self.assertLogs(LOGGER) as logs:
            await self.async_client.alogin(username="ada", password=PASSWORD)

        self.assertEqual(calls, [])
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {self.ada.pk} logged in"])

    # A hash Django 5.2 made: 1,000,000 PBKDF2 iterations, a full-length salt.
    MADE_BY_5_2 = f"pbkdf2_sha256$1000000${'s' * 22}$hash"

    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 hashes with more iterations")
    def test_on_django_6_1_every_5_2_hash_is_upgraded_at_next_login(self):
        self.assertEqual(PBKDF2PasswordHasher.iterations, 1_500_000)
        self.assertTrue(PBKDF2PasswordHasher().must_update(self.MADE_BY_5_2))

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 only")
    def test_on_django_5_2_its_own_hashes_are_up_to_date(self):
        self.assertEqual(PBKDF2PasswordHasher.iterations, 1_000_000)
        self.assertFalse(PBKDF2PasswordHasher().must_update(self.MADE_BY_5_2))


@PASSWORDS
class LoaddataTests(TestCase):
    def test_restoring_a_user_from_a_fixture_is_not_a_password_change(self):
        User.objects.create_user("ada", pk=4242)

        with nothing_reported(self):
            call_command("loaddata", "restored_user.json", verbosity=0)

        self.assertEqual(User.objects.get(pk=4242).password, "!restored-from-a-backup")


@PASSWORDS
class HelpTextTests(SimpleTestCase):
    def test_password_forms_list_a_real_sentence_not_an_empty_bullet(self):
        html = str(password_validation.password_validators_help_text_html())

        self.assertEqual(
            html, "<ul><li>Changes to your password are recorded.</li></ul>"
        )

    def test_an_empty_help_text_would_be_an_empty_bullet(self):
        class Silent(PasswordChangeNotifier):
            def get_help_text(self):
                return ""

        html = password_validation.password_validators_help_text_html([Silent()])

        self.assertEqual(str(html), "<ul><li></li></ul>")


@PASSWORDS
class EmailUserTests(TransactionTestCase):
    """A custom user model that logs in by email gets the same treatment.

    The suite keeps auth.User as AUTH_USER_MODEL, so the model is made for the
    test only; Django calls password_changed() from AbstractBaseUser.save().
    """

    @isolate_apps("login_audit")
    def test_a_custom_user_model_reports_changes_but_not_upgrades(self):
        class EmailUser(AbstractBaseUser):
            email = models.EmailField(unique=True)
            USERNAME_FIELD = "email"

        with connection.schema_editor() as editor:
            editor.create_model(EmailUser)
        try:
            md5 = get_hasher("md5")
            ada = EmailUser.objects.create(
                email="ada@example.com", password=md5.encode(PASSWORD, md5.salt())
            )
            with recording(password_changed) as calls, self.assertLogs(LOGGER) as logs:
                self.assertTrue(ada.check_password(PASSWORD))  # an upgrade
                with transaction.atomic():
                    ada.set_password(NEW_PASSWORD)
                    ada.save()
                    self.assertEqual(logs.output, [])  # not before the commit
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(EmailUser)

        self.assertEqual([call["sender"] for call in calls], [EmailUser])
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:User {ada.pk} {CHANGED}"])


class NoSuchSignalTests(SimpleTestCase):
    def test_no_django_signal_is_about_passwords_or_sessions(self):
        # Read every module of the installed Django for "name = Signal(...)".
        defined = re.compile(r"^(\w+) = (?:Model)?Signal\(", re.MULTILINE)
        names = []
        for module in Path(django.__file__).parent.rglob("*.py"):
            names += defined.findall(module.read_text(encoding="utf-8"))

        self.assertIn("user_logged_in", names)
        self.assertFalse([n for n in names if "password" in n or "session" in n])
