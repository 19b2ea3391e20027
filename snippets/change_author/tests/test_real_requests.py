"""Option 4 under real commits and overlapping async requests; a thread-local fails."""

import asyncio
import threading
from unittest import mock

from asgiref.sync import markcoroutinefunction, sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import JsonResponse
from django.test import (
    AsyncClient,
    TransactionTestCase,
    modify_settings,
    override_settings,
)
from django.urls import path

from ..middleware import current_user
from ..models import Note
from .helpers import (
    LOGGER,
    MIDDLEWARE,
    SEEN_ON_COMMIT,
    AuditTestCase,
    create_then_read_on_commit,
    pk_of,
)

User = get_user_model()

both_arrived = None  # an asyncio.Barrier, made by the test that needs it


async def save_when_both_arrived(request):
    # Both requests are now inside the view, each with its user set.
    await asyncio.wait_for(both_arrived.wait(), timeout=5)
    note = Note(title="Saved in an async view")
    await note.asave()  # save() runs in a thread; the receiver runs there
    user = await sync_to_async(current_user)()
    return JsonResponse({"pk": note.pk, "user": pk_of(user)})


thread_local = threading.local()


class ThreadLocalUserMiddleware:
    """The way from before ASGI, for comparison: one value per thread."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request):
        thread_local.user = await request.auser()
        return await self.get_response(request)


async def read_thread_local_when_both_arrived(request):
    await asyncio.wait_for(both_arrived.wait(), timeout=5)
    return JsonResponse({"user": pk_of(thread_local.user)})


# These tests serve their own URLs: ROOT_URLCONF points at this module.
urlpatterns = [
    path("on-commit/", create_then_read_on_commit),
    path("async/", save_when_both_arrived),
    path("async-thread-local/", read_thread_local_when_both_arrived),
]


@override_settings(ROOT_URLCONF=__name__)
@modify_settings(MIDDLEWARE={"append": f"{__name__}.ThreadLocalUserMiddleware"})
class ThreadLocalTests(AuditTestCase):
    async def test_overlapping_async_requests_share_one_thread_local(self):
        global both_arrived
        both_arrived = asyncio.Barrier(2)
        clients = [AsyncClient(), AsyncClient()]
        await clients[0].aforce_login(self.ada)
        await clients[1].aforce_login(self.bob)

        responses = await asyncio.gather(
            *(client.get("/async-thread-local/") for client in clients)
        )

        # One event loop, one thread: the second request overwrote the first.
        seen = [response.json()["user"] for response in responses]
        self.assertEqual(seen[0], seen[1])
        self.assertIn(seen[0], (self.ada.pk, self.bob.pk))

    def tearDown(self):
        thread_local.__dict__.clear()


@override_settings(ROOT_URLCONF=__name__)
@modify_settings(MIDDLEWARE={"append": MIDDLEWARE})
class RealCommitTests(TransactionTestCase):
    """With real commits, as in production, not TestCase's rolled-back ones."""

    def setUp(self):
        self.ada = User.objects.create_user("ada")
        self.bob = User.objects.create_user("bob")
        SEEN_ON_COMMIT.clear()

    def test_on_commit_at_the_end_of_the_request_still_sees_the_user(self):
        self.client.force_login(self.ada)
        for atomic_requests in (False, True):
            with (
                self.subTest(ATOMIC_REQUESTS=atomic_requests),
                mock.patch.dict(
                    connection.settings_dict, {"ATOMIC_REQUESTS": atomic_requests}
                ),
            ):
                self.client.post("/on-commit/")

        # Autocommit runs the callback at once; ATOMIC_REQUESTS runs it when
        # the view returns, still inside the middleware.
        self.assertEqual(SEEN_ON_COMMIT, [(False, self.ada.pk), (True, self.ada.pk)])

    async def test_overlapping_async_requests_each_see_their_own_user(self):
        global both_arrived
        both_arrived = asyncio.Barrier(2)
        clients = {user: AsyncClient() for user in (self.ada, self.bob)}
        for user, client in clients.items():
            await client.aforce_login(user)

        with self.assertLogs(LOGGER, "INFO") as logs:
            responses = await asyncio.gather(
                *(client.get("/async/") for client in clients.values())
            )

        seen = [response.json() for response in responses]
        self.assertEqual([s["user"] for s in seen], [self.ada.pk, self.bob.pk])
        self.assertCountEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:change_author.note {s['pk']} created by user "
                f"{s['user']}"
                for s in seen
            ],
        )
