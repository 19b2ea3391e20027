"""Option 4: CurrentUserMiddleware sets the user for each request, and resets it."""

import threading

from asgiref.sync import iscoroutinefunction
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.http import HttpResponse, JsonResponse
from django.test import (
    Client,
    RequestFactory,
    SimpleTestCase,
    modify_settings,
    override_settings,
)
from django.test.utils import CaptureQueriesContext
from django.urls import path

from ..middleware import CurrentUserMiddleware, _request_user, current_user
from ..models import Note, NoteChange
from ..services import save_note
from ..signals import log_change
from .helpers import (
    LOGGER,
    MIDDLEWARE,
    SEEN_ON_COMMIT,
    AuditTestCase,
    create_then_read_on_commit,
    pk_of,
)

User = get_user_model()

BACKEND = "django.contrib.auth.backends.ModelBackend"


# Views for these tests only. Like most code, they save without setting
# changed_by: only the ContextVar knows who asked.
def create_note(request):
    note = Note.objects.create(title="Saved in a view")
    return JsonResponse({"pk": note.pk})


def create_group(request):
    group = Group.objects.create(name="Saved in a view")
    return JsonResponse({"pk": group.pk})


def who_am_i(request):
    return JsonResponse({"user": pk_of(current_user())})


def do_nothing(request):
    return HttpResponse("nothing")


def broken(request):
    raise RuntimeError("bug in a view")


def sign_in_then_create(request):
    assert not request.user.is_authenticated  # loads the anonymous user
    login(request, User.objects.get(username="ada"), backend=BACKEND)
    note = Note.objects.create(title="Saved after signing in")
    return JsonResponse({"pk": note.pk})


def hand_off_to_a_thread(request):
    """Start work in another thread, as a worker pool would run it."""
    seen = {}

    def job(by_pk):
        seen["current_user"] = pk_of(current_user())
        seen["argument"] = by_pk

    worker = threading.Thread(target=job, args=(pk_of(current_user()),))
    worker.start()
    worker.join()
    return JsonResponse(seen)


async def read_user_in_async_code(request):
    return JsonResponse({"user": pk_of(current_user())})


# These tests serve their own URLs: ROOT_URLCONF points at this module.
urlpatterns = [
    path("create/", create_note),
    path("create-group/", create_group),
    path("who/", who_am_i),
    path("nothing/", do_nothing),
    path("broken/", broken),
    path("sign-in/", sign_in_then_create),
    path("thread/", hand_off_to_a_thread),
    path("on-commit/", create_then_read_on_commit),
    path("async-direct/", read_user_in_async_code),
]


@override_settings(ROOT_URLCONF=__name__)
@modify_settings(MIDDLEWARE={"append": MIDDLEWARE})
class CurrentUserTests(AuditTestCase):
    """Option 4: CurrentUserMiddleware and current_user()."""

    def test_the_receiver_gets_the_user_of_the_request(self):
        self.client.force_login(self.ada)

        with self.logged_after_commit() as logs:
            pk = self.client.post("/create/").json()["pk"]

        self.assertEqual(logs.output, [self.line(pk, "created", self.ada)])
        # The view set no changed_by, so option 1's row has nobody.
        self.assertEqual(self.history(pk), [("created", None)])

    def test_any_model_can_be_logged_without_a_field_for_it(self):
        self.client.force_login(self.ada)
        post_save.connect(log_change, sender=Group)
        self.addCleanup(post_save.disconnect, log_change, sender=Group)

        with self.logged_after_commit() as logs:
            pk = self.client.post("/create-group/").json()["pk"]

        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:auth.group {pk} created by user {self.ada.pk}"],
        )

    def test_an_anonymous_visitor_is_no_user(self):
        with self.logged_after_commit() as logs:
            pk = self.client.post("/create/").json()["pk"]

        self.assertEqual(logs.output, [self.line(pk, "created")])

    def test_outside_a_request_there_is_no_user(self):
        # A test, a management command or a worker calling the same code.
        self.assertIsNone(current_user())
        with self.logged_after_commit() as logs:
            note = save_note(Note(title="Draft"), by=self.ada)

        self.assertEqual(logs.output, [self.line(note.pk, "created")])
        self.assertEqual(self.history(note.pk), [("created", "ada")])  # option 1 knows

    def test_a_shell_has_no_user(self):
        code = "from change_author.models import Note; Note.objects.create(title='x')"
        with self.logged_after_commit() as logs:
            call_command("shell", command=code, verbosity=0)

        note = Note.objects.get(title="x")
        self.assertEqual(logs.output, [self.line(note.pk, "created")])

    def test_a_deleted_instance_is_logged_with_its_pk(self):
        note = save_note(Note(title="Draft"), by=self.ada)
        pk = note.pk

        with self.logged_after_commit() as logs:
            note.delete()

        self.assertIsNone(note.pk)  # Django cleared it after post_delete
        self.assertEqual(logs.output, [self.line(pk, "deleted")])

    def test_nothing_is_logged_when_the_transaction_rolls_back(self):
        with (
            self.assertNoLogs(LOGGER),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            try:
                with transaction.atomic():
                    save_note(Note(title="Draft"), by=self.ada)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass

        self.assertEqual(callbacks, [])
        self.assertFalse(NoteChange.objects.exists())

    def test_the_user_is_loaded_only_when_someone_asks(self):
        self.client.force_login(self.ada)

        with self.assertNumQueries(0):  # neither the session nor the user
            self.client.get("/nothing/")
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/who/").json(), {"user": self.ada.pk})
        self.assertGreater(len(queries), 0)

    def test_a_login_in_the_view_is_seen(self):
        with self.logged_after_commit() as logs:
            pk = self.client.post("/sign-in/").json()["pk"]

        self.assertEqual(logs.output, [self.line(pk, "created", self.ada)])

    def test_it_is_reset_after_each_request_even_when_the_view_raises(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.ada)

        self.assertEqual(client.get("/who/").json(), {"user": self.ada.pk})
        self.assertIsNone(current_user())
        with self.assertLogs("django.request", "ERROR"):
            self.assertEqual(client.get("/broken/").status_code, 500)
        self.assertIsNone(current_user())
        self.assertEqual(self.client.get("/who/").json(), {"user": None})

    def test_another_thread_does_not_see_it_but_gets_what_you_pass(self):
        self.client.force_login(self.ada)

        seen = self.client.get("/thread/").json()

        self.assertEqual(seen, {"current_user": None, "argument": self.ada.pk})

    def test_a_testcase_runs_on_commit_callbacks_after_the_request(self):
        # TestCase holds every callback until captureOnCommitCallbacks()
        # exits: by then the request is over. The receiver read the user
        # while the request was on, so its log line is right.
        SEEN_ON_COMMIT.clear()
        self.client.force_login(self.ada)

        with self.logged_after_commit() as logs:
            self.client.post("/on-commit/")

        self.assertEqual(SEEN_ON_COMMIT, [(True, None)])
        self.assertIn(f" by user {self.ada.pk}", logs.output[0])

    @override_settings(DEBUG=True)
    def test_under_wsgi_django_runs_it_without_switching_to_async(self):
        # A middleware that could not run sync would make Django adapt the
        # chain at this point for every request. With DEBUG on, Django logs
        # each such switch ("Synchronous handler adapted for ...").
        with self.assertNoLogs("django.request", "DEBUG"):
            response = self.client.get("/nothing/")

        self.assertEqual(response.status_code, 200)

    @modify_settings(MIDDLEWARE={"remove": MIDDLEWARE, "prepend": MIDDLEWARE})
    def test_before_the_authentication_middleware_it_refuses_to_run(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "AuthenticationMiddleware"):
            self.client.get("/nothing/")

    async def test_calling_it_from_async_code_is_refused(self):
        await self.async_client.aforce_login(self.ada)

        with self.assertRaises(SynchronousOnlyOperation):
            await self.async_client.get("/async-direct/")


class LeakyMiddleware(CurrentUserMiddleware):
    """What happens without the reset."""

    def __call__(self, request):
        _request_user.set(self.user_reader(request))
        return self.get_response(request)


@override_settings(ROOT_URLCONF=__name__)
@modify_settings(MIDDLEWARE={"append": f"{__name__}.LeakyMiddleware"})
class WithoutTheResetTests(AuditTestCase):
    def test_the_next_work_on_the_thread_sees_the_previous_user(self):
        self.client.force_login(self.ada)
        self.client.get("/nothing/")

        # No request is running, yet the thread still answers "ada".
        self.assertEqual(current_user(), self.ada)
        with self.logged_after_commit() as logs:
            note = Note.objects.create(title="Saved by a script")
        self.assertEqual(logs.output, [self.line(note.pk, "created", self.ada)])

    def tearDown(self):
        _request_user.set(None)  # clean up after the leak


class MiddlewareUnitTests(SimpleTestCase):
    def test_the_value_is_reset_even_if_get_response_raises(self):
        def get_response(request):
            self.assertEqual(current_user(), user)
            raise RuntimeError("boom")

        user = User(pk=7, username="ada")
        request = RequestFactory().get("/")
        request.user = user

        with self.assertRaisesMessage(RuntimeError, "boom"):
            CurrentUserMiddleware(get_response)(request)
        self.assertIsNone(_request_user.get())  # nothing of the request is left

    def test_an_async_chain_gets_an_async_middleware(self):
        async def get_response(request):
            return HttpResponse()

        self.assertTrue(iscoroutinefunction(CurrentUserMiddleware(get_response)))

    def test_a_sync_chain_gets_a_sync_middleware(self):
        self.assertFalse(iscoroutinefunction(CurrentUserMiddleware(HttpResponse)))
