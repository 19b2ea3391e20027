from unittest import mock

from django.contrib.auth import authenticate, get_user_model
from django.db.models import F
from django.test import TestCase, override_settings
from django.urls import include, path

from .models import LoginCount

User = get_user_model()
PASSWORD = "correct horse battery staple"


# The URLs the tests request, whatever the project's URLconf holds.
urlpatterns = [path("accounts/", include("django.contrib.auth.urls"))]


# A fast hasher keeps login tests quick; never use it outside tests.
@override_settings(
    ROOT_URLCONF=__name__,
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
)
class CountLoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("ada", password=PASSWORD)

    def log_in(self, password=PASSWORD):
        """Post the real login form, as a browser would."""
        return self.client.post(
            "/accounts/login/", {"username": "ada", "password": password}
        )

    def logins(self):
        row = LoginCount.objects.filter(user=self.user).first()
        return row.count if row else 0

    def test_a_login_through_the_login_view_counts_one(self):
        response = self.log_in()

        self.assertEqual(response.status_code, 302)  # redirected: logged in
        self.assertEqual(self.logins(), 1)

    def test_two_logins_count_two(self):
        self.log_in()
        self.client.logout()
        self.log_in()

        self.assertEqual(self.logins(), 2)

    def test_a_failed_login_does_not_count(self):
        response = self.log_in(password="wrong")

        self.assertEqual(response.status_code, 200)  # the form again, with errors
        self.assertFalse(response.context["form"].is_valid())
        self.assertEqual(self.logins(), 0)

    def test_the_receiver_logs_the_user_id(self):
        with self.assertLogs("login_counter.signals", "INFO") as logs:
            self.log_in()

        self.assertEqual(
            logs.output, [f"INFO:login_counter.signals:User {self.user.pk} logged in"]
        )

    def test_force_login_in_tests_counts_too(self):
        # Test helpers call the same login() that sends user_logged_in.
        self.client.force_login(self.user)

        self.assertEqual(self.logins(), 1)

    async def test_an_async_login_counts_too(self):
        # alogin() sends the signal with asend(); Django runs this sync
        # receiver in a thread for it.
        await self.async_client.aforce_login(self.user)

        row = await LoginCount.objects.aget(user=self.user)
        self.assertEqual(row.count, 1)

    def test_authenticate_alone_is_not_a_login(self):
        # Code that checks credentials without login() (an API token check,
        # for example) sends no user_logged_in.
        self.assertEqual(authenticate(username="ada", password=PASSWORD), self.user)

        self.assertEqual(self.logins(), 0)


class WhyFExpressionsTests(TestCase):
    """Two requests read the same row before either of them writes."""

    def setUp(self):
        self.user = User.objects.create_user("ada")
        LoginCount.objects.create(user=self.user, count=5)
        self.first = LoginCount.objects.get(user=self.user)
        self.second = LoginCount.objects.get(user=self.user)

    def test_read_modify_write_loses_a_login(self):
        self.first.count += 1  # 5 + 1
        self.first.save()
        self.second.count += 1  # also 5 + 1: it never saw the first write
        self.second.save()

        self.assertEqual(LoginCount.objects.get().count, 6)

    def test_an_f_expression_keeps_both(self):
        self.first.count = F("count") + 1  # UPDATE ... SET count = count + 1
        self.first.save()
        self.second.count = F("count") + 1
        self.second.save()

        self.assertEqual(LoginCount.objects.get().count, 7)

    def test_the_receiver_keeps_a_login_that_lands_between_its_read_and_write(self):
        read_the_row = LoginCount.objects.get_or_create

        def read_then_another_login_lands(**kwargs):
            row = read_the_row(**kwargs)
            # Another request counts its login before this one writes.
            LoginCount.objects.filter(user=self.user).update(count=F("count") + 1)
            return row

        with mock.patch.object(
            LoginCount.objects, "get_or_create", read_then_another_login_lands
        ):
            self.client.force_login(self.user)

        self.assertEqual(LoginCount.objects.get().count, 7)
