import asyncio
import threading
from contextlib import contextmanager
from io import StringIO
from unittest import mock, skipIf, skipUnless

import django
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save, pre_delete
from django.http import HttpResponse, JsonResponse
from django.test import (
    AsyncClient,
    Client,
    RequestFactory,
    SimpleTestCase,
    TestCase,
    TransactionTestCase,
    modify_settings,
    override_settings,
)
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from .middleware import CurrentUserMiddleware, _request_user, current_user
from .models import Note, NoteChange
from .services import publish_notes, save_note
from .signals import log_change

User = get_user_model()
LOGGER = "change_author.signals"
MIDDLEWARE = "change_author.middleware.CurrentUserMiddleware"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def pk_of(user):
    return user.pk if user is not None else None


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


SEEN_ON_COMMIT = []


def create_then_read_on_commit(request):
    Note.objects.create(title="Saved in a view")
    in_atomic_block = transaction.get_connection().in_atomic_block
    # This callback reads the user when it runs, not when it is registered.
    transaction.on_commit(
        lambda: SEEN_ON_COMMIT.append((in_atomic_block, pk_of(current_user())))
    )
    return HttpResponse("saved")


both_arrived = None  # an asyncio.Barrier, made by the test that needs it


async def save_when_both_arrived(request):
    # Both requests are now inside the view, each with its user set.
    await asyncio.wait_for(both_arrived.wait(), timeout=5)
    note = Note(title="Saved in an async view")
    await note.asave()  # save() runs in a thread; the receiver runs there
    user = await sync_to_async(current_user)()
    return JsonResponse({"pk": note.pk, "user": pk_of(user)})


async def read_user_in_async_code(request):
    return JsonResponse({"user": pk_of(current_user())})


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


class NaiveNoteAdmin(admin.ModelAdmin):
    """Covers save_model() and delete_model(), and stops there."""

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj.changed_by = request.user
        super().delete_model(request, obj)


naive_site = admin.AdminSite(name="naive_admin")
naive_site.register(Note, NaiveNoteAdmin)

# These tests serve their own URLs: ROOT_URLCONF points at this module.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("naive-admin/", naive_site.urls),
    path("", include("change_author.urls")),
    path("create/", create_note),
    path("create-group/", create_group),
    path("who/", who_am_i),
    path("nothing/", do_nothing),
    path("broken/", broken),
    path("sign-in/", sign_in_then_create),
    path("thread/", hand_off_to_a_thread),
    path("on-commit/", create_then_read_on_commit),
    path("async/", save_when_both_arrived),
    path("async-direct/", read_user_in_async_code),
    path("async-thread-local/", read_thread_local_when_both_arrived),
]


class AuditTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada")
        cls.ada.user_permissions.add(
            Permission.objects.get(
                codename="change_note", content_type__app_label="change_author"
            )
        )
        cls.bob = User.objects.create_user("bob")
        cls.root = User.objects.create_superuser("root")

    def history(self, *pks):
        """(action, username or None) for each audit row of these notes."""
        rows = NoteChange.objects.filter(note_pk__in=pks)
        return [(row.action, row.by.username if row.by else None) for row in rows]

    @contextmanager
    def logged_after_commit(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            yield logs

    def line(self, pk, action, user=None):
        who = f"user {user.pk}" if user else "no user"
        return f"INFO:{LOGGER}:change_author.note {pk} {action} by {who}"


class WhatPostSaveGetsTests(TestCase):
    def test_post_save_carries_no_request_and_no_user(self):
        calls = []

        def record(**kwargs):
            calls.append(set(kwargs))

        post_save.connect(record, sender=Note)
        self.addCleanup(post_save.disconnect, record, sender=Note)
        Note.objects.create(title="Draft")

        arguments = {"signal", "sender", "instance", "created", "raw", "using"}
        self.assertEqual(calls, [{*arguments, "update_fields"}])


@override_settings(ROOT_URLCONF="change_author.tests")
class ExplicitUserTests(AuditTestCase):
    """Option 1: the caller sets changed_by, the receivers read it."""

    def test_a_shell_or_a_test_says_who_and_it_is_recorded(self):
        note = save_note(Note(title="Draft"), by=self.ada)
        note.title = "Second draft"
        save_note(note, by=self.bob)
        pk = note.pk
        note.changed_by = self.root
        note.delete()

        self.assertEqual(
            self.history(pk),
            [("created", "ada"), ("changed", "bob"), ("deleted", "root")],
        )

    def test_the_view_passes_request_user(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        self.client.force_login(self.ada)

        response = self.client.post(
            reverse("change_author:edit_note", args=[note.pk]), {"title": "Final"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.history(note.pk), [("created", "bob"), ("changed", "ada")]
        )

    def test_a_visitor_cannot_choose_changed_by(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        self.client.force_login(self.ada)

        self.client.post(
            reverse("change_author:edit_note", args=[note.pk]),
            {"title": "Final", "changed_by": self.root.pk},
        )

        note.refresh_from_db()
        self.assertEqual(note.changed_by, self.ada)

    def test_the_view_refuses_bad_requests_and_records_nothing(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        url = reverse("change_author:edit_note", args=[note.pk])
        cases = [
            (None, "post", {"title": "Final"}, 403),  # anonymous
            (self.bob, "post", {"title": "Final"}, 403),  # no change_note permission
            (self.ada, "post", {"title": ""}, 400),  # invalid
            (self.ada, "get", {}, 405),
        ]
        for user, method, data, status in cases:
            with self.subTest(user=user, method=method, data=data):
                client = Client()
                if user:
                    client.force_login(user)
                response = getattr(client, method)(url, data)
                self.assertEqual(response.status_code, status)

        self.assertEqual(self.history(note.pk), [("created", "bob")])

    def test_changed_by_sticks_so_a_later_save_blames_the_last_editor(self):
        note = save_note(Note(title="Draft"), by=self.ada)

        # Later, code that knows no user saves the note (a script, a task).
        note = Note.objects.get(pk=note.pk)
        note.title = "Fixed by a script"
        note.save()

        self.assertEqual(
            self.history(note.pk), [("created", "ada"), ("changed", "ada")]
        )


class ServiceTests(AuditTestCase):
    """Option 2: the service writes the audit rows itself."""

    def test_one_published_row_per_draft_and_no_post_save(self):
        drafts = [save_note(Note(title=t), by=self.bob) for t in ("One", "Two")]
        # Published without the service: update() sends no post_save, so
        # nothing records it. publish_notes() then leaves it alone.
        published = save_note(Note(title="Old"), by=self.bob)
        Note.objects.filter(pk=published.pk).update(published_at=timezone.now())

        count = publish_notes(Note.objects.all(), by=self.ada)

        self.assertEqual(count, 2)
        for note in drafts:
            self.assertEqual(
                self.history(note.pk), [("created", "bob"), ("published", "ada")]
            )
        self.assertEqual(self.history(published.pk), [("created", "bob")])

    def test_bulk_writes_send_no_signals_so_no_receiver_records_them(self):
        with self.assertNoLogs(LOGGER), self.captureOnCommitCallbacks(execute=True):
            notes = Note.objects.bulk_create([Note(title="One", changed_by=self.ada)])
            notes[0].title = "Renamed"
            Note.objects.bulk_update(notes, ["title"])
            Note.objects.update(title="Renamed again")

        self.assertFalse(NoteChange.objects.exists())  # options 1 and 4: nothing

    def test_the_rows_and_the_change_commit_together(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        failing = mock.patch.object(
            NoteChange.objects, "bulk_create", side_effect=DatabaseError("disk full")
        )

        with failing, self.assertRaises(DatabaseError):
            publish_notes(Note.objects.all(), by=self.ada)

        note.refresh_from_db()
        self.assertIsNone(note.published_at)  # rolled back with the rows

    def test_the_command_records_the_user_given_with_by(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        out = StringIO()

        call_command("publish_notes", note.pk, "--by", "ada", stdout=out)

        self.assertEqual(out.getvalue(), "Published 1 of 1 notes.\n")
        self.assertEqual(
            self.history(note.pk), [("created", "bob"), ("published", "ada")]
        )

    def test_the_user_must_be_named_with_by(self):
        note = Note(title="Draft")

        with self.assertRaises(TypeError):
            save_note(note, self.ada)  # a positional user is refused
        with self.assertRaises(TypeError):
            publish_notes(Note.objects.all(), self.ada)

        self.assertFalse(Note.objects.exists())

    def test_the_command_requires_by(self):
        note = save_note(Note(title="Draft"), by=self.bob)

        with self.assertRaisesMessage(CommandError, "arguments are required: --by"):
            call_command("publish_notes", note.pk)

        note.refresh_from_db()
        self.assertIsNone(note.published_at)

    def test_the_command_refuses_an_unknown_user(self):
        note = save_note(Note(title="Draft"), by=self.bob)

        with self.assertRaisesMessage(CommandError, "There is no user 'eve'."):
            call_command("publish_notes", note.pk, "--by", "eve")

        note.refresh_from_db()
        self.assertIsNone(note.published_at)
        self.assertEqual(self.history(note.pk), [("created", "bob")])


@override_settings(ROOT_URLCONF="change_author.tests")
class AdminTests(AuditTestCase):
    """Option 3: the admin knows request.user; NoteAdmin hands it on."""

    def setUp(self):
        self.client.force_login(self.root)
        self.notes = [save_note(Note(title=t), by=self.bob) for t in ("One", "Two")]

    def test_add_change_and_delete_record_the_admin_user(self):
        self.client.post(reverse("admin:change_author_note_add"), {"title": "New"})
        new = Note.objects.get(title="New")
        change = reverse("admin:change_author_note_change", args=[new.pk])
        self.client.post(change, {"title": "Renamed"})
        delete = reverse("admin:change_author_note_delete", args=[new.pk])
        self.client.post(delete, {"post": "yes"})

        self.assertEqual(
            self.history(new.pk),
            [("created", "root"), ("changed", "root"), ("deleted", "root")],
        )

    def test_the_admin_keeps_its_own_log_of_who_did_it(self):
        self.assertFalse(LogEntry.objects.exists())  # save_note() wrote none
        self.client.post(reverse("admin:change_author_note_add"), {"title": "New"})

        entry = LogEntry.objects.get(object_id=str(Note.objects.get(title="New").pk))
        self.assertEqual(entry.user, self.root)

    def delete_selected(self, site):
        return self.client.post(
            reverse(f"{site}:change_author_note_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [n.pk for n in self.notes],
                "post": "yes",
            },
        )

    def test_delete_selected_records_the_admin_user(self):
        response = self.delete_selected("admin")

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Note.objects.exists())
        for note in self.notes:
            self.assertEqual(
                self.history(note.pk), [("created", "bob"), ("deleted", "root")]
            )

    @mock.patch.object(NaiveNoteAdmin, "delete_model", autospec=True)
    def test_without_delete_queryset_the_last_editor_gets_the_blame(self, spy):
        pre_deleted = []

        def record(instance, **kwargs):
            pre_deleted.append(instance.pk)

        pre_delete.connect(record, sender=Note)
        self.addCleanup(pre_delete.disconnect, record, sender=Note)

        self.delete_selected("naive_admin")

        spy.assert_not_called()  # the bulk action never calls delete_model()
        self.assertFalse(Note.objects.exists())
        self.assertCountEqual(pre_deleted, [n.pk for n in self.notes])
        for note in self.notes:  # post_delete was sent for each note...
            # ...with changed_by as stored: bob, who did not delete anything.
            self.assertEqual(
                self.history(note.pk), [("created", "bob"), ("deleted", "bob")]
            )

    def test_the_publish_action_passes_request_user_to_the_service(self):
        self.client.post(
            reverse("admin:change_author_note_changelist"),
            {"action": "publish", "_selected_action": [self.notes[0].pk]},
        )

        self.assertEqual(
            self.history(*[n.pk for n in self.notes]),
            [("created", "bob"), ("created", "bob"), ("published", "root")],
        )

    def test_the_publish_action_says_how_many_notes_it_published(self):
        response = self.client.post(
            reverse("admin:change_author_note_changelist"),
            {"action": "publish", "_selected_action": [n.pk for n in self.notes]},
            follow=True,
        )

        self.assertContains(response, "Published 2 notes.")

    # --8<-- [start:change_form_action]
    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 has change-form actions")
    def test_on_django_61_the_change_form_offers_the_action_too(self):
        note = self.notes[0]
        change = reverse("admin:change_author_note_change", args=[note.pk])
        self.assertContains(self.client.get(change), 'name="CHANGE_FORM-action"')

        self.client.post(
            change, {"CHANGE_FORM-action": "publish", "_selected_action": note.pk}
        )

        self.assertEqual(
            self.history(*[n.pk for n in self.notes]),  # only this note
            [("created", "bob"), ("created", "bob"), ("published", "root")],
        )

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 has actions on the change list only")
    def test_on_django_52_the_change_form_has_no_actions(self):
        with self.assertRaises(TypeError):
            admin.action(location=[])  # no such argument before 6.1
        note = self.notes[0]
        change = reverse("admin:change_author_note_change", args=[note.pk])
        self.assertNotContains(self.client.get(change), 'name="CHANGE_FORM-action"')

        self.client.post(
            change, {"CHANGE_FORM-action": "publish", "_selected_action": note.pk}
        )

        self.assertEqual(self.history(note.pk), [("created", "bob")])  # not published

    # --8<-- [end:change_form_action]


@override_settings(ROOT_URLCONF="change_author.tests")
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


@override_settings(ROOT_URLCONF="change_author.tests")
@modify_settings(MIDDLEWARE={"append": "change_author.tests.ThreadLocalUserMiddleware"})
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


class LeakyMiddleware(CurrentUserMiddleware):
    """What happens without the reset."""

    def __call__(self, request):
        _request_user.set(self.user_reader(request))
        return self.get_response(request)


@override_settings(ROOT_URLCONF="change_author.tests")
@modify_settings(MIDDLEWARE={"append": "change_author.tests.LeakyMiddleware"})
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


@override_settings(ROOT_URLCONF="change_author.tests")
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
