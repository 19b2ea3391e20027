from functools import partial
from unittest import mock, skipIf, skipUnless

import django
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, TransactionTestCase, override_settings

User = get_user_model()

SUBJECT = "Welcome aboard!"


def welcome_mails_to(address):
    """Our welcome mails to one address; other apps may send mail too."""
    return [m for m in mail.outbox if m.to == [address] and m.subject == SUBJECT]


@override_settings(DEFAULT_FROM_EMAIL="Team <team@example.com>")
class WelcomeEmailTests(TestCase):
    def test_a_new_user_is_welcomed_after_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            User.objects.create_user("ada", email="ada@example.com")

        [message] = welcome_mails_to("ada@example.com")
        self.assertEqual(message.from_email, "Team <team@example.com>")
        self.assertIn("Hello ada,", message.body)

    def test_nothing_is_sent_before_the_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            User.objects.create_user("ada", email="ada@example.com")

        self.assertEqual(welcome_mails_to("ada@example.com"), [])
        for callback in callbacks:  # what the commit would run
            callback()
        self.assertEqual(len(welcome_mails_to("ada@example.com")), 1)

    def test_a_rolled_back_sign_up_sends_nothing(self):
        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            User.objects.create_user("ada", email="ada@example.com")
            raise RuntimeError("the rest of the sign-up failed")

        self.assertFalse(User.objects.filter(username="ada").exists())
        self.assertEqual(welcome_mails_to("ada@example.com"), [])

    def test_an_update_sends_nothing_more(self):
        with self.captureOnCommitCallbacks(execute=True):
            user = User.objects.create_user("ada", email="ada@example.com")
        with self.captureOnCommitCallbacks(execute=True):
            user.first_name = "Ada"
            user.save()

        self.assertEqual(len(welcome_mails_to("ada@example.com")), 1)

    def test_a_user_without_an_email_address_is_skipped(self):
        with self.captureOnCommitCallbacks(execute=True):
            User.objects.create_user("bob")

        self.assertFalse([m for m in mail.outbox if m.subject == SUBJECT])

    def test_loaddata_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            call_command("loaddata", "welcome_email_users.json", verbosity=0)

        self.assertEqual(welcome_mails_to("margaret@example.com"), [])

    def test_sending_is_logged_by_pk(self):
        with (
            self.assertLogs("welcome_email.services", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            user = User.objects.create_user("ada", email="ada@example.com")

        self.assertEqual(
            logs.output,
            [f"INFO:welcome_email.services:Sent the welcome email to user {user.pk}"],
        )


class MailServerDownTests(TransactionTestCase):
    """Real commits: what happens when sending fails after the commit."""

    def test_the_sign_up_stands_and_the_error_is_logged(self):
        failure = ConnectionRefusedError("mail server down")
        with (
            mock.patch("welcome_email.services.send_mail", side_effect=failure),
            self.assertLogs("django.db.backends.base", "ERROR") as logs,
            transaction.atomic(),
        ):
            User.objects.create_user("ada", email="ada@example.com")

        self.assertTrue(User.objects.filter(username="ada").exists())
        self.assertIn("mail server down", logs.output[0])

    def test_outside_a_transaction_the_email_goes_at_once(self):
        # Autocommit: the INSERT is committed already, so on_commit() runs
        # the callback immediately, inside create_user().
        User.objects.create_user("ada", email="ada@example.com")

        self.assertEqual(len(welcome_mails_to("ada@example.com")), 1)

    def test_without_robust_a_failing_callback_reaches_the_committer(self):
        def refuse():
            raise ConnectionRefusedError("mail server down")

        with self.assertRaises(ConnectionRefusedError), transaction.atomic():
            User.objects.create_user("ada")
            transaction.on_commit(refuse)

        # The error came after the commit: the user exists all the same.
        self.assertTrue(User.objects.filter(username="ada").exists())

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 logs a failing partial too")
    def test_django_5_2_cannot_log_a_failing_robust_partial(self):
        # Django 5.2 reads the callback's __qualname__ to log the error; a
        # functools.partial has none, so an AttributeError escapes instead.
        with self.assertRaises(AttributeError), transaction.atomic():
            transaction.on_commit(partial(int, "not a number"), robust=True)

    @skipUnless(django.VERSION >= (6, 1), "Django 5.2 fails on a partial")
    def test_django_6_1_logs_a_failing_robust_partial(self):
        with (
            self.assertLogs("django.db.backends.base", "ERROR"),
            transaction.atomic(),
        ):
            transaction.on_commit(partial(int, "not a number"), robust=True)
