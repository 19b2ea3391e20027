"""user_login_failed: its string sender, masked credentials, and a safe log line."""

from django.contrib import auth
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.test import TestCase, override_settings

from .helpers import FAST_AND_TEMPLATED, LOGGER, PASSWORD, recorded

User = get_user_model()

WRONG_PASSWORD = "wrong-but-secret-guess"


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
        with recorded(user_login_failed) as calls, self.assertLogs(LOGGER):
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
        with recorded(user_login_failed) as calls, self.assertLogs(LOGGER) as logs:
            self.client.login(username="ada", password=WRONG_PASSWORD)

        self.assertIsNone(calls[0]["request"])
        self.assertEqual(
            logs.output,
            [f"WARNING:{LOGGER}:Failed login for username 'ada' from None"],
        )

    def test_django_masks_by_name_only_so_the_receiver_logs_an_allow_list(self):
        # A credential whose name does not look secret reaches receivers as is.
        with recorded(user_login_failed) as calls, self.assertLogs(LOGGER) as logs:
            authenticate(username="ada", pin="4321")

        self.assertEqual(calls[0]["credentials"], {"username": "ada", "pin": "4321"})
        self.assertNotIn("4321", "\n".join(logs.output))

    def test_django_masks_the_keys_that_look_secret(self):
        secret_looking = ["password", "token", "api", "key", "secret", "signature"]
        with recorded(user_login_failed) as calls, self.assertLogs(LOGGER):
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
            "login_audit.tests.test_user_login_failed.RefusingBackend",
            "django.contrib.auth.backends.ModelBackend",
        ]
    )
    def test_a_backend_raising_permission_denied_sends_it_too(self):
        with recorded(user_login_failed) as calls, self.assertLogs(LOGGER):
            user = authenticate(username="ada", password=PASSWORD)  # the right one

        self.assertIsNone(user)  # ModelBackend was never asked
        self.assertEqual(len(calls), 1)


class RefusingBackend(BaseBackend):
    """A backend that vetoes every login, as a lockout backend does."""

    def authenticate(self, request, **credentials):
        raise PermissionDenied
