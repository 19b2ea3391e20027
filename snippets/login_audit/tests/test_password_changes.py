"""A real password change is logged once it commits, on any user model."""

import re
from contextlib import suppress
from pathlib import Path

import django
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import get_default_password_validators
from django.db import IntegrityError, connection, models, transaction
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from django.test.utils import isolate_apps

from ..passwords import PasswordChangeNotifier, password_changed
from .helpers import (
    CHANGED,
    LOGGER,
    NEW_PASSWORD,
    PASSWORD,
    PASSWORDS,
    changes,
    committed_logs,
    recorded,
)

User = get_user_model()


class NoSuchSignalTests(SimpleTestCase):
    def test_no_django_signal_is_about_passwords_or_sessions(self):
        # Read every module of the installed Django for "name = Signal(...)".
        defined = re.compile(r"^(\w+) = (?:Model)?Signal\(", re.MULTILINE)
        names = []
        for module in Path(django.__file__).parent.rglob("*.py"):
            names += defined.findall(module.read_text(encoding="utf-8"))

        self.assertIn("user_logged_in", names)
        self.assertFalse([n for n in names if "password" in n or "session" in n])


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
            recorded(password_changed) as calls,
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
            with recorded(password_changed) as calls, self.assertLogs(LOGGER) as logs:
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
