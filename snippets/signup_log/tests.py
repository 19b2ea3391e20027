import importlib.util
from contextlib import contextmanager
from unittest import mock, skipUnless

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models.signals import post_save
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import isolate_apps

from . import signals

User = get_user_model()

# These tests pass the fields of django.contrib.auth's User, or load one.
needs_the_default_user_model = skipUnless(
    settings.AUTH_USER_MODEL == "auth.User", "uses the fields of auth.User"
)

LOGGER = "signup_log.signals"


def import_signals_as(name):
    """Run signals.py again as a module called `name`, as a second sys.path
    entry would, and return that second copy."""
    spec = importlib.util.spec_from_file_location(name, signals.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def receivers_run(signal):
    """Collect every receiver that `signal` calls inside the block."""
    ran = []
    send = signal.send

    def send_and_record(*args, **kwargs):
        responses = send(*args, **kwargs)
        ran.extend(receiver for receiver, _response in responses)
        return responses

    with mock.patch.object(signal, "send", send_and_record):
        yield ran


class LogSignupTests(TestCase):
    def test_a_new_user_is_logged_by_pk_only(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            user = User.objects.create_user("ada")

        self.assertEqual(logs.output, [f"INFO:{LOGGER}:New sign-up: user {user.pk}"])

    @needs_the_default_user_model
    def test_createsuperuser_is_logged_too(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            call_command(
                "createsuperuser",
                interactive=False,
                username="root",
                email="root@example.com",
                verbosity=0,
            )

        user = User.objects.get(username="root")
        self.assertEqual(logs.output, [f"INFO:{LOGGER}:New sign-up: user {user.pk}"])

    def test_the_log_line_holds_no_personal_data(self):
        # Many sites use the email address as the username.
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            user = User.objects.create_user("ada@example.com", password="pw-1")

        record = logs.records[0]
        self.assertEqual(record.args, (user.pk,))
        for secret in ("ada@example.com", "pw-1", user.password):
            self.assertNotIn(secret, record.getMessage())

    def test_the_line_waits_for_the_commit(self):
        with (
            self.assertNoLogs(LOGGER, "INFO"),
            self.captureOnCommitCallbacks() as callbacks,
        ):
            User.objects.create_user("ada")

        self.assertEqual(len(callbacks), 1)

    def test_a_sign_up_that_is_rolled_back_is_not_logged(self):
        with (
            self.assertNoLogs(LOGGER, "INFO"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            try:
                with transaction.atomic():
                    user = User.objects.create_user("ada")
                    raise RuntimeError("the sign-up view fails after the save")
            except RuntimeError:
                pass

        self.assertFalse(User.objects.filter(pk=user.pk).exists())

    def test_an_update_is_not_logged(self):
        user = User.objects.create_user("ada")
        user.first_name = "Ada"

        with (
            self.assertNoLogs(LOGGER, "INFO"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            user.save()

    @needs_the_default_user_model
    def test_loaddata_is_not_logged(self):
        # loaddata saves with raw=True: it restores users, nobody signs up.
        with (
            self.assertNoLogs(LOGGER, "INFO"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            call_command("loaddata", "signup_log_users.json", verbosity=0)

        self.assertTrue(User.objects.filter(username="linus").exists())

    def test_bulk_create_is_not_logged(self):
        # bulk_create() sends no post_save: these sign-ups go unrecorded.
        with (
            self.assertNoLogs(LOGGER, "INFO"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            User.objects.bulk_create([User(**{User.USERNAME_FIELD: "bulk"})])

    def test_importing_the_receivers_again_connects_nothing_twice(self):
        # Under a second name, not importlib.reload(): a reload replaces the
        # function the module holds, and with DEBUG off the receiver is lost.
        second_copy = import_signals_as("signup_log.signals_again")
        # Had the copy been connected, it must not outlive this test.
        self.addCleanup(post_save.disconnect, second_copy.log_signup, sender=User)

        # Count receivers, not log lines: the copy logs under its own name.
        with receivers_run(post_save) as ran:
            User.objects.create_user("ada")

        self.assertEqual(
            [r.__module__ for r in ran if getattr(r, "__name__", "") == "log_signup"],
            [LOGGER],
        )

    @override_settings(DEBUG=True)
    def test_with_debug_on_django_logs_the_sql_with_its_values(self):
        # Not this app's line: Django's own SQL log, at DEBUG level.
        with self.assertLogs("django.db.backends", "DEBUG") as logs:
            user = User.objects.create_user("ada@example.com", password="pw-1")

        inserts = [line for line in logs.output if "INSERT" in line]
        self.assertIn("ada@example.com", inserts[0])
        self.assertIn(user.password, inserts[0])


class EmailAsUsernameTests(TransactionTestCase):
    """A project whose user model signs people in with their email address.

    TransactionTestCase, because SQLite cannot create EmailUser's table
    inside the transaction a TestCase runs in.
    """

    def setUp(self):
        isolation = isolate_apps("signup_log")  # keeps EmailUser out of the app
        isolation.enable()
        self.addCleanup(isolation.disable)

        class EmailUser(AbstractBaseUser):
            email = models.EmailField(unique=True)
            USERNAME_FIELD = "email"

            class Meta:
                app_label = "signup_log"

        with connection.schema_editor() as editor:
            editor.create_model(EmailUser)
        self.addCleanup(self.drop_table, EmailUser)
        self.addCleanup(
            post_save.disconnect, sender=EmailUser, dispatch_uid="signup_log.log_signup"
        )
        self.EmailUser = EmailUser

    def drop_table(self, model):
        with connection.schema_editor() as editor:
            editor.delete_model(model)

    def sign_up(self):
        user = self.EmailUser(email="ada@example.com")
        user.set_password("pw-1")
        user.save()  # autocommit here: on_commit callbacks run at once
        return user

    def test_the_username_is_the_email_address(self):
        user = self.EmailUser(email="ada@example.com")

        self.assertEqual(user.get_username(), "ada@example.com")

    def test_overriding_the_setting_alone_connects_nothing(self):
        # The receiver was connected to auth.User when Django started.
        with (
            override_settings(AUTH_USER_MODEL="signup_log.EmailUser"),
            self.assertNoLogs("signup_log", "INFO"),
        ):
            self.sign_up()

    def test_the_log_line_still_holds_no_email_address(self):
        # Run signals.py as Django runs it in a project with this setting.
        with override_settings(AUTH_USER_MODEL="signup_log.EmailUser"):
            module = import_signals_as("signup_log.signals_for_email_users")

        # The parent logger also hears the copy, named after its module.
        with self.assertLogs("signup_log", "INFO") as logs:
            user = self.sign_up()

        self.assertEqual(
            logs.output, [f"INFO:{module.__name__}:New sign-up: user {user.pk}"]
        )
