import importlib

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from . import signals

User = get_user_model()

LOGGER = "signup_log.signals"


class LogSignupTests(TestCase):
    def test_a_new_user_is_logged_by_pk_and_username(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            user = User.objects.create_user("ada")

        self.assertEqual(
            logs.output, [f"INFO:{LOGGER}:New sign-up: user {user.pk} (ada)"]
        )

    def test_createsuperuser_is_logged_too(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            call_command(
                "createsuperuser",
                interactive=False,
                username="root",
                email="root@example.com",
                verbosity=0,
            )

        self.assertIn("(root)", logs.output[0])
        self.assertNotIn("root@example.com", logs.output[0])

    def test_the_log_line_holds_no_email_or_password(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            user = User.objects.create_user(
                "ada", email="ada@example.com", password="correct horse"
            )

        record = logs.records[0]
        self.assertEqual(record.args, (user.pk, "ada"))
        for secret in ("ada@example.com", "correct horse", user.password):
            self.assertNotIn(secret, record.getMessage())

    def test_an_update_is_not_logged(self):
        user = User.objects.create_user("ada")
        user.first_name = "Ada"

        with self.assertNoLogs(LOGGER, "INFO"):
            user.save()

    def test_loaddata_is_not_logged(self):
        # loaddata saves with raw=True: it restores users, nobody signs up.
        with self.assertNoLogs(LOGGER, "INFO"):
            call_command("loaddata", "signup_log_users.json", verbosity=0)

        self.assertTrue(User.objects.filter(username="linus").exists())

    def test_bulk_create_is_not_logged(self):
        # bulk_create() sends no post_save: these sign-ups go unrecorded.
        with self.assertNoLogs(LOGGER, "INFO"):
            User.objects.bulk_create([User(username="bulk")])

    def test_importing_the_receivers_again_logs_once(self):
        importlib.reload(signals)

        with self.assertLogs(LOGGER, "INFO") as logs:
            User.objects.create_user("ada")

        self.assertEqual(len(logs.output), 1)
