"""The app at work: warm_front_page, publish() and the views that call it."""

from unittest import mock

from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test import TestCase, TransactionTestCase
from django.test.utils import override_settings
from django.urls import include, path

from ..models import Headline
from ..services import front_page, publish
from ..signals import FRONT_PAGE_KEY, headline_published, warm_front_page
from .helpers import LOGGER, clear_front_page, connected

User = get_user_model()


async def broken(sender, **kwargs):
    raise ValueError("listener is down")


class AsyncReceiverTests(TestCase):
    """An async def receiver, awaited by asend() and asend_robust()."""

    def setUp(self):
        clear_front_page(self)

    async def test_asend_awaits_the_receiver_and_returns_its_value(self):
        headline = await Headline.objects.acreate(title="Signals go async")

        responses = await headline_published.asend(sender=Headline, headline=headline)

        self.assertEqual(responses, [(warm_front_page, ["Signals go async"])])
        self.assertEqual(await cache.aget(FRONT_PAGE_KEY), ["Signals go async"])

    async def test_connecting_it_again_adds_no_second_receiver(self):
        headline_published.connect(
            warm_front_page, dispatch_uid="async_receivers.warm_front_page"
        )
        headline = await Headline.objects.acreate(title="Signals go async")

        responses = await headline_published.asend(sender=Headline, headline=headline)

        self.assertEqual(len(responses), 1)

    async def test_the_receiver_logs_instead_of_printing(self):
        with self.assertLogs(LOGGER, "INFO") as logs:
            await publish("Signals go async")

        self.assertIn(
            f"INFO:{LOGGER}:Front page rebuilt after 'Signals go async' was published",
            logs.output,
        )

    async def test_asend_lets_an_exception_escape(self):
        headline = await Headline.objects.acreate(title="Signals go async")
        with (
            connected(headline_published, broken),
            self.assertRaisesMessage(ValueError, "listener is down"),
        ):
            await headline_published.asend(sender=Headline, headline=headline)

    async def test_asend_robust_returns_the_exception_and_logs_it(self):
        headline = await Headline.objects.acreate(title="Signals go async")
        for debug in (True, False):  # the same with DEBUG on or off
            with (
                override_settings(DEBUG=debug),
                connected(headline_published, broken),
                self.assertLogs("django.dispatch", "ERROR") as logs,
            ):
                responses = await headline_published.asend_robust(
                    sender=Headline, headline=headline
                )

            (_, titles), (_, error) = responses
            self.assertEqual(titles, ["Signals go async"])  # the other one ran
            self.assertIsInstance(error, ValueError)
            self.assertIn("Traceback (most recent call last)", logs.output[0])
            self.assertEqual(
                logs.output[0].splitlines()[0],
                "ERROR:django.dispatch:Error calling broken in Signal.send_robust() "
                "(listener is down)",
            )

    async def test_publish_keeps_the_headline_when_a_receiver_fails(self):
        with (
            connected(headline_published, broken),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            headline = await publish("Signals go async")

        self.assertTrue(await Headline.objects.filter(pk=headline.pk).aexists())
        self.assertEqual(await cache.aget(FRONT_PAGE_KEY), ["Signals go async"])

    async def test_front_page_is_built_once_then_served_from_the_cache(self):
        await Headline.objects.acreate(title="First")

        self.assertEqual(await front_page(), ["First"])
        # A change that sends no signal leaves the cached page as it was.
        await Headline.objects.filter(title="First").aupdate(title="Renamed")
        self.assertEqual(await front_page(), ["First"])

    async def test_the_front_page_shows_the_five_newest_titles(self):
        await Headline.objects.abulk_create(
            Headline(title=f"Story {n}") for n in range(1, 8)
        )

        self.assertEqual(
            await front_page(),
            ["Story 7", "Story 6", "Story 5", "Story 4", "Story 3"],
        )


@transaction.atomic
def publish_with_other_changes(title):
    """Sync code that calls publish() inside a transaction of its own."""
    return async_to_sync(publish)(title)


async def publish_without_committing_first(title):
    """publish() without durable=True: acreate() joins any open transaction."""
    headline = await Headline.objects.acreate(title=title)
    await headline_published.asend_robust(sender=Headline, headline=headline)
    return headline


class Abandoned(Exception):
    pass


class PublishCommitsFirstTests(TransactionTestCase):
    """Real commits: what a listener can count on when publish() sends."""

    def setUp(self):
        clear_front_page(self)
        self.heard = []

    def listener(self, sender, headline, **kwargs):
        # A sync receiver runs where the ORM runs, so it sees that connection.
        self.heard.append((headline.title, connection.in_atomic_block))

    async def test_listeners_hear_of_a_headline_that_is_committed(self):
        with connected(headline_published, self.listener):
            await publish("Committed")

        self.assertEqual(self.heard, [("Committed", False)])  # no transaction open

    async def test_a_listener_database_error_leaves_the_headline_saved(self):
        def write_a_duplicate(sender, headline, **kwargs):
            Headline.objects.create(pk=headline.pk, title="duplicate")

        with (
            connected(headline_published, write_a_duplicate),
            self.assertLogs("django.dispatch", "ERROR") as logs,
        ):
            headline = await publish("Kept")

        self.assertIs(logs.records[0].exc_info[0], IntegrityError)
        saved = await Headline.objects.aget(pk=headline.pk)
        self.assertEqual(saved.title, "Kept")

    def test_publish_refuses_to_run_inside_a_transaction(self):
        with (
            connected(headline_published, self.listener),
            self.assertRaisesMessage(RuntimeError, "durable atomic block"),
        ):
            publish_with_other_changes("Maybe rolled back")

        self.assertEqual(self.heard, [])  # no listener heard of it
        self.assertFalse(Headline.objects.exists())
        self.assertIsNone(cache.get(FRONT_PAGE_KEY))

    def test_why_listeners_could_hear_of_a_headline_that_is_rolled_back(self):
        with (
            connected(headline_published, self.listener),
            self.assertRaises(Abandoned),
            transaction.atomic(),
        ):
            async_to_sync(publish_without_committing_first)("Abandoned")
            raise Abandoned  # the caller's own work fails after the signal

        self.assertEqual(self.heard, [("Abandoned", True)])  # heard, in atomic()
        self.assertFalse(Headline.objects.exists())  # and then rolled back

    def test_why_a_failing_listener_could_lose_the_headline_silently(self):
        def write_a_duplicate(sender, headline, **kwargs):
            Headline.objects.create(pk=headline.pk, title="duplicate")

        with (
            connected(headline_published, write_a_duplicate),
            self.assertLogs("django.dispatch", "ERROR"),
            transaction.atomic(),
        ):
            # It returns: asend_robust() swallowed the listener's error.
            async_to_sync(publish_without_committing_first)("Lost")

        # The failed query marked the caller's transaction for rollback.
        self.assertFalse(Headline.objects.exists())

    async def test_and_so_does_async_code_that_sync_code_runs_in_one(self):
        with (
            connected(headline_published, self.listener),
            self.assertRaisesMessage(RuntimeError, "durable atomic block"),
        ):
            await sync_to_async(publish_with_other_changes)("Maybe rolled back")

        self.assertEqual(self.heard, [])
        self.assertFalse(await Headline.objects.aexists())


async def an_async_view(request):
    return HttpResponse()


urlpatterns = [
    path("async_receivers/", include("async_receivers.urls")),
    path("plain-async-view/", an_async_view),
]


@override_settings(ROOT_URLCONF=__name__)
class PublishViewTests(TestCase):
    url = "/async_receivers/publish/"

    def setUp(self):
        clear_front_page(self)

    async def log_in(self, *, may_publish):
        user = await User.objects.acreate(username="editor")
        if may_publish:
            permission = await Permission.objects.aget(codename="add_headline")
            await user.user_permissions.aadd(permission)
        await self.async_client.aforce_login(user)

    async def test_publishing_warms_the_front_page(self):
        await self.log_in(may_publish=True)

        response = await self.async_client.post(self.url, {"title": "Fresh"})

        self.assertEqual(response.status_code, 201)
        self.assertEqual(await cache.aget(FRONT_PAGE_KEY), ["Fresh"])
        response = await self.async_client.get("/async_receivers/")
        self.assertEqual(response.json(), {"titles": ["Fresh"]})

    async def test_a_failing_listener_does_not_fail_the_request(self):
        await self.log_in(may_publish=True)

        with (
            connected(headline_published, broken),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            response = await self.async_client.post(self.url, {"title": "Fresh"})

        self.assertEqual(response.status_code, 201)
        self.assertTrue(await Headline.objects.filter(title="Fresh").aexists())

    async def test_only_users_who_may_add_headlines_can_publish(self):
        await self.log_in(may_publish=False)

        response = await self.async_client.post(self.url, {"title": "Fresh"})

        self.assertEqual(response.status_code, 403)
        self.assertFalse(await Headline.objects.aexists())

    async def test_an_invalid_title_is_rejected(self):
        await self.log_in(may_publish=True)

        response = await self.async_client.post(self.url, {"title": "x" * 201})

        self.assertEqual(response.status_code, 400)
        self.assertFalse(await Headline.objects.aexists())

    async def test_publishing_takes_a_post_only(self):
        await self.log_in(may_publish=True)

        response = await self.async_client.get(self.url, {"title": "Fresh"})

        self.assertEqual(response.status_code, 405)
        self.assertFalse(await Headline.objects.aexists())

    async def test_the_front_page_takes_a_get_only(self):
        response = await self.async_client.post("/async_receivers/")

        self.assertEqual(response.status_code, 405)

    async def test_django_refuses_atomic_requests_for_an_async_view(self):
        with (
            mock.patch.dict(connection.settings_dict, ATOMIC_REQUESTS=True),
            self.assertRaisesMessage(
                RuntimeError, "You cannot use ATOMIC_REQUESTS with async views."
            ),
        ):
            await self.async_client.get("/plain-async-view/")

    async def test_the_views_opt_out_so_they_work_with_atomic_requests(self):
        await self.log_in(may_publish=True)

        with mock.patch.dict(connection.settings_dict, ATOMIC_REQUESTS=True):
            published = await self.async_client.post(self.url, {"title": "Fresh"})
            front_page = await self.async_client.get("/async_receivers/")

        self.assertEqual(published.status_code, 201)
        self.assertEqual(front_page.json(), {"titles": ["Fresh"]})
