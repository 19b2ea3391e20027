"""What is not a password change: new users, other saves, loaddata, hash upgrades."""

from unittest import mock, skipIf, skipUnless

import django
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.management import call_command
from django.db.models.signals import pre_save
from django.test import TestCase

from ..passwords import PasswordChangeNotifier, password_changed
from .helpers import (
    CHANGED,
    LOGGER,
    NEW_PASSWORD,
    PASSWORD,
    PASSWORDS,
    FastPBKDF2PasswordHasher,
    changes,
    committed_logs,
    nothing_reported,
    recorded,
)

User = get_user_model()


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
        with recorded(password_changed) as calls:
            password_validation.password_changed(NEW_PASSWORD)

        self.assertEqual(calls, [])

    def test_the_notifier_accepts_every_password(self):
        self.assertIsNone(password_validation.validate_password("1"))


@PASSWORDS
class LoaddataTests(TestCase):
    def test_restoring_a_user_from_a_fixture_is_not_a_password_change(self):
        User.objects.create_user("ada", pk=4242)

        with nothing_reported(self):
            call_command("loaddata", "restored_user.json", verbosity=0)

        self.assertEqual(User.objects.get(pk=4242).password, "!restored-from-a-backup")


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
        with recorded(pre_save) as calls:
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
        with recorded(password_changed) as calls, self.assertLogs(LOGGER) as logs:
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
