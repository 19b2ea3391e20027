"""The table on docs/reference/signals.md matches the Django that runs the tests.

Two kinds of check:
- the table lists every Signal that Django defines (found by signal_tracer),
  under the right module, and no signal this Django does not have, unless
  its Versions cell starts with the version that added it ("6.0+");
- each signal is really sent here, recorded with trace_signals(), and the
  keyword arguments it carries are exactly the ones its row lists.
"""

import asyncio
import importlib.util
import io
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from unittest import mock, skipIf, skipUnless

import django
import signal_table
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousFileOperation,
    SuspiciousOperation,
)
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connections, models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template import Context, Template
from django.test import (
    AsyncClient,
    AsyncRequestFactory,
    Client,
    RequestFactory,
    SimpleTestCase,
    TestCase,
    modify_settings,
    override_settings,
)
from django.test.utils import instrumented_test_render, isolate_apps
from django.urls import path
from django.utils import autoreload
from signal_table import PAGE
from signal_tracer.tracer import builtin_signals, trace_signals

DJANGO = django.get_version()
User = get_user_model()

ARGUMENT = re.compile(r"`(?P<name>\w+)`(?:\s*\((?P<only>[^)]+)\))?")
SINCE = re.compile(r"^(\d+)\.(\d+)\+")


@dataclass(frozen=True)
class Row:
    name: str
    module: str
    arguments: tuple[tuple[str, str | None], ...]  # ("raw", "6.1+")
    since: tuple[int, int] | None  # from a Versions cell starting "6.0+"

    def arguments_for(self, context=None):
        """The names this Django sends; `context` picks e.g. (WSGI) or (ASGI)."""
        return {
            name
            for name, only in self.arguments
            if only is None or only == context or _is_this_version_or_later(only)
        }


def _is_this_version_or_later(text):
    match = SINCE.match(text)
    return bool(match) and django.VERSION[:2] >= (int(match[1]), int(match[2]))


def page_rows():
    rows = {}
    for row in signal_table.rows():
        since = SINCE.match(row.versions)
        rows[row.name] = Row(
            name=row.name,
            module=row.module,
            arguments=tuple(
                (m["name"], m["only"]) for m in ARGUMENT.finditer(row.arguments)
            ),
            since=(int(since[1]), int(since[2])) if since else None,
        )
    return rows


class TheTableListsEverySignal(SimpleTestCase):
    longMessage = False  # the messages below say everything; no reprs of rows

    def test_django_defines_21_signals_before_6_0_and_24_from_6_0(self):
        expected = 24 if django.VERSION >= (6, 0) else 21
        self.assertEqual(
            len(builtin_signals()),
            expected,
            f"{PAGE} says Django {DJANGO} defines {expected} signals; it defines "
            f"{[found.name for found in builtin_signals()]}.",
        )

    def test_every_signal_django_defines_has_a_row(self):
        rows = page_rows()
        for found in builtin_signals():
            with self.subTest(signal=found.name):
                self.assertIn(
                    found.name,
                    rows,
                    f"{PAGE} has no row for `{found.name}` ({found.module}), which "
                    f"Django {DJANGO} defines. Add it to the table.",
                )
                self.assertEqual(
                    rows[found.name].module,
                    found.module,
                    f"{PAGE}: the row for `{found.name}` names module "
                    f"{rows[found.name].module}, but Django {DJANGO} defines it "
                    f"in {found.module}.",
                )

    def test_every_row_is_a_signal_this_django_has_or_says_when_it_came(self):
        defined = {found.name for found in builtin_signals()}
        for row in page_rows().values():
            with self.subTest(signal=row.name):
                if row.since and django.VERSION[:2] < row.since:
                    self.assertNotIn(
                        row.name,
                        defined,
                        f"{PAGE}: the row for `{row.name}` says it came in "
                        f"{'.'.join(map(str, row.since))}, but Django {DJANGO} has it.",
                    )
                else:
                    self.assertIn(
                        row.name,
                        defined,
                        f"{PAGE} lists `{row.name}`, which Django {DJANGO} does not "
                        "define. If only some versions have it, start the row's "
                        'Versions cell with the version that added it, e.g. "6.0+".',
                    )


class SignalCheck:
    """Assertions that compare a recorded send with the signal's row."""

    longMessage = False  # the messages below say everything; no reprs of rows

    def assert_sent(self, trace, signal, *, sender=None, context=None):
        __tracebackhide__ = True
        rows = page_rows()
        self.assertIn(signal, rows, f"{PAGE} has no row for `{signal}`.")
        sends = trace.of(signal)
        self.assertTrue(sends, f"{PAGE}: this test expected a `{signal}` send.")
        expected = rows[signal].arguments_for(context)
        for send in sends:
            self.assertEqual(
                set(send.kwargs),
                expected,
                f"{PAGE}: the row for `{signal}` lists the keyword arguments "
                f"{sorted(expected)}{f' for {context}' if context else ''}, but "
                f"Django {DJANGO} sent {sorted(send.kwargs)}.",
            )
        if sender is not None:
            self.assertIn(
                sender,
                {send.sender for send in sends},
                f"{PAGE}: the row for `{signal}` names its sender; expected a send "
                f"from {sender}, got {sorted({send.sender for send in sends})}.",
            )
        return sends


class ModelSignals(SignalCheck, TestCase):
    def test_saving_and_deleting_an_instance(self):
        with trace_signals() as trace:
            user = User(username="ada")
            user.save()
            user.delete()

        for signal in (
            *("pre_init", "post_init", "pre_save", "post_save"),
            *("pre_delete", "post_delete"),
        ):
            self.assert_sent(trace, signal, sender="auth.User")

    def test_deleting_a_queryset_sends_for_each_object(self):
        User.objects.create_user("ada")
        User.objects.create_user("grace")

        with trace_signals() as trace:
            User.objects.filter(username__in=["ada", "grace"]).delete()

        for signal in ("pre_delete", "post_delete"):
            sends = self.assert_sent(trace, signal, sender="auth.User")
            self.assertEqual(
                len([send for send in sends if send.sender == "auth.User"]),
                2,
                f"{PAGE}: `{signal}` is sent for each object a QuerySet deletes",
            )

    def test_pre_signals_come_before_the_query_and_post_signals_after(self):
        signals = {
            "pre_save": pre_save,
            "post_save": post_save,
            "pre_delete": pre_delete,
            "post_delete": post_delete,
        }
        seen = []

        def row_exists(sender, signal, **kwargs):
            name = next(name for name, s in signals.items() if s is signal)
            seen.append((name, User.objects.filter(username="ada").exists()))

        for signal in signals.values():
            signal.connect(row_exists, sender=User)
        try:
            User.objects.create(username="ada").delete()
        finally:
            for signal in signals.values():
                signal.disconnect(row_exists, sender=User)

        self.assertEqual(
            seen,
            [
                ("pre_save", False),
                ("post_save", True),
                ("pre_delete", True),
                ("post_delete", False),
            ],
            f"{PAGE}: pre_save and pre_delete run before the query, "
            "post_save and post_delete after it",
        )

    def test_loading_rows_from_a_query(self):
        User.objects.create_user("ada")

        with trace_signals() as trace:
            User.objects.get(username="ada")

        self.assert_sent(trace, "pre_init", sender="auth.User")
        self.assert_sent(trace, "post_init", sender="auth.User")

    def test_changing_a_many_to_many_relation(self):
        user = User.objects.create_user("ada")
        editors = Group.objects.create(name="editors")
        authors = Group.objects.create(name="authors")

        with trace_signals() as trace:
            user.groups.add(editors)
            user.groups.remove(editors)
            user.groups.set([authors])
            user.groups.clear()

        sends = self.assert_sent(trace, "m2m_changed", sender="auth.User_groups")
        self.assertEqual(
            [send.kwargs["action"].strip("'") for send in sends],
            [
                *("pre_add", "post_add", "pre_remove", "post_remove"),
                *("pre_add", "post_add", "pre_clear", "post_clear"),
            ],
            f"{PAGE}: the actions of `m2m_changed`",
        )

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_loaddata_sends_m2m_changed_with_raw_true(self):
        editors = Group.objects.create(name="editors")
        fixture = json.dumps(
            [
                {
                    "model": "auth.user",
                    "pk": 9001,
                    "fields": {
                        "username": "grace",
                        "password": "!",
                        "groups": [editors.pk],
                    },
                }
            ]
        )

        with mock.patch("sys.stdin", io.StringIO(fixture)), trace_signals() as trace:
            call_command("loaddata", "-", format="json", verbosity=0)

        sends = self.assert_sent(trace, "m2m_changed", sender="auth.User_groups")
        self.assertEqual(
            {send.kwargs["raw"] for send in sends},
            {"True"},
            f"{PAGE}: `m2m_changed` from loaddata",
        )
        self.assertEqual(
            {s.kwargs["raw"] for s in trace.of("pre_save") + trace.of("post_save")},
            {"True"},
            f"{PAGE}: `pre_save` and `post_save` from loaddata",
        )

    def test_declaring_a_model(self):
        with isolate_apps("signal_tracer"), trace_signals() as trace:

            class Note(models.Model):
                class Meta:
                    app_label = "signal_tracer"

                def __str__(self):
                    return "a note"

        self.assert_sent(trace, "class_prepared", sender="signal_tracer.Note")

    def test_migrate(self):
        with trace_signals() as trace:
            call_command("migrate", verbosity=0)

        apps_with_models = [a for a in apps.get_app_configs() if a.models_module]
        for signal in ("pre_migrate", "post_migrate"):
            sends = self.assert_sent(
                trace, signal, sender="<AppConfig: auth>", context="migrate"
            )
            self.assertEqual(
                [send.sender for send in sends],
                [f"<AppConfig: {app.label}>" for app in apps_with_models],
                f"{PAGE}: `{signal}` is sent once per app with a models module",
            )
        names = [name for name in trace.names() if name.endswith("_migrate")]
        self.assertEqual(
            names,
            sorted(names, key=lambda name: name != "pre_migrate"),
            f"{PAGE}: every `pre_migrate` comes before the first `post_migrate`",
        )

    def test_flush_sends_post_migrate_with_fewer_arguments(self):
        with trace_signals() as trace:
            call_command("flush", interactive=False, verbosity=0)

        self.assert_sent(trace, "post_migrate", sender="<AppConfig: auth>")
        self.assertNotIn(
            "pre_migrate", trace.names(), f"{PAGE}: `flush` sends no `pre_migrate`"
        )


def ok(request):
    return HttpResponse("ok")


def boom(request):
    raise RuntimeError("boom")


# Exceptions Django answers with a 4xx response of its own.
CLIENT_ERRORS = [
    Http404,
    PermissionDenied,
    BadRequest,
    SuspiciousOperation,
    DisallowedHost,
    SuspiciousFileOperation,
    RequestDataTooBig,
    MultiPartParserError,
]


def raise_named(request, name):
    raise {error.__name__: error for error in CLIENT_ERRORS}[name]


class BoomMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("boom")


def sent_when(signal):
    """The "Sent when" cell of a signal's row."""
    for line in signal_table.PAGE_PATH.read_text().splitlines():
        if line.startswith(f"| `{signal}` |"):
            return line.split("|")[3]
    raise AssertionError(f"{PAGE} has no row for `{signal}`.")


urlpatterns = [
    path("ok/", ok),
    path("boom/", boom),
    path("raise/<str:name>/", raise_named),
]


@override_settings(ROOT_URLCONF=__name__)
class RequestSignals(SignalCheck, TestCase):
    def test_a_wsgi_request_finishes_when_the_server_closes_the_response(self):
        environ = RequestFactory().get("/ok/").environ

        with trace_signals() as trace:
            response = WSGIHandler()(environ, lambda status, headers: None)
            sent_before_close = trace.names()
            response.close()

        self.assert_sent(trace, "request_started", sender="WSGIHandler", context="WSGI")
        self.assert_sent(trace, "request_finished", sender="WSGIHandler")
        self.assertNotIn(
            "request_finished",
            sent_before_close,
            f"{PAGE}: `request_finished` (WSGI) waits for response.close()",
        )

    async def test_an_asgi_request_finishes_after_the_response_is_sent(self):
        body_sent_at = []
        received = asyncio.Event()

        async def receive():
            if not received.is_set():
                received.set()
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # this client never disconnects

        async def send(message):
            if message["type"] == "http.response.body":
                body_sent_at.append(len(trace))

        with trace_signals() as trace:
            await ASGIHandler()(AsyncRequestFactory().get("/ok/").scope, receive, send)

        self.assert_sent(trace, "request_started", sender="ASGIHandler", context="ASGI")
        self.assert_sent(trace, "request_finished", sender="ASGIHandler")
        finished_at = trace.names().index("request_finished")
        self.assertGreaterEqual(
            finished_at,
            body_sent_at[0],
            f"{PAGE}: `request_finished` (ASGI) comes after the response is sent",
        )

    def test_the_test_client_sends_them_from_its_own_handler(self):
        with trace_signals() as trace:
            Client().get("/ok/")

        self.assert_sent(
            trace, "request_started", sender="ClientHandler", context="WSGI"
        )
        # The test client's handler does not tag its responses, unlike the
        # real ones, so response.close() sends request_finished from None.
        self.assert_sent(trace, "request_finished", sender="None")

    async def test_the_async_test_client_sends_them_from_its_own_handler(self):
        with trace_signals() as trace:
            await AsyncClient().get("/ok/")

        self.assert_sent(
            trace, "request_started", sender="AsyncClientHandler", context="ASGI"
        )
        self.assert_sent(trace, "request_finished", sender="None")

    def test_an_unhandled_exception_in_a_view(self):
        with (
            trace_signals() as trace,
            self.assertLogs("django.request", "ERROR"),
        ):
            response = Client(raise_request_exception=False).get("/boom/")

        self.assert_sent(trace, "got_request_exception", sender="None")
        self.assertEqual(
            response.status_code, 500, f"{PAGE}: `got_request_exception` and 500"
        )

    @modify_settings(MIDDLEWARE={"append": f"{__name__}.BoomMiddleware"})
    def test_an_unhandled_exception_in_a_middleware(self):
        with (
            trace_signals() as trace,
            self.assertLogs("django.request", "ERROR"),
        ):
            Client(raise_request_exception=False).get("/ok/")

        self.assert_sent(trace, "got_request_exception", sender="None")
        self.assertIn(
            "middleware",
            sent_when("got_request_exception"),
            f"{PAGE}: `got_request_exception` is sent for a middleware's exception too",
        )

    @override_settings(
        DEBUG=False,
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [
                        (
                            "django.template.loaders.locmem.Loader",
                            {"404.html": "{% load no_such_library %}"},
                        )
                    ]
                },
            }
        ],
    )
    def test_a_404_page_that_fails_to_render_is_unhandled(self):
        with trace_signals() as trace, self.assertLogs("django.request", "ERROR"):
            response = Client(raise_request_exception=False).get("/raise/Http404/")

        self.assert_sent(trace, "got_request_exception", sender="None")
        self.assertEqual(
            response.status_code, 500, f"{PAGE}: a failing 404 page means a 500"
        )

    def test_exceptions_answered_with_4xx_are_not_unhandled(self):
        named = set(re.findall(r"`(\w+)`", sent_when("got_request_exception")))
        for error in CLIENT_ERRORS:
            with (
                self.subTest(error.__name__),
                trace_signals() as trace,
                self.assertLogs("django", "WARNING"),
            ):
                response = Client().get(f"/raise/{error.__name__}/")

            self.assertLess(response.status_code, 500)
            self.assertNotIn(
                "got_request_exception",
                trace.names(),
                f"{PAGE}: `got_request_exception` is not sent for {error.__name__}",
            )
            self.assertTrue(
                named.intersection(base.__name__ for base in error.__mro__),
                f"{PAGE}: the row for `got_request_exception` must name "
                f"{error.__name__}, or a class it inherits from, among the "
                "exceptions it is not sent for.",
            )


class SettingsTemplatesAndConnections(SignalCheck, TestCase):
    def test_override_settings_on_enter_and_on_exit(self):
        with (
            trace_signals() as trace,
            override_settings(SIGNAL_TRACER_A=1, SIGNAL_TRACER_B=2),
        ):
            pass

        sends = self.assert_sent(trace, "setting_changed")
        self.assertEqual(
            [(send.kwargs["setting"], send.kwargs["enter"]) for send in sends],
            [
                ("'SIGNAL_TRACER_A'", "True"),
                ("'SIGNAL_TRACER_B'", "True"),
                ("'SIGNAL_TRACER_A'", "False"),
                ("'SIGNAL_TRACER_B'", "False"),
            ],
            f"{PAGE}: `setting_changed` once per setting, on enter and on exit",
        )
        self.assertEqual(
            sends[0].sender,
            "UserSettingsHolder",
            f"{PAGE}: the sender of `setting_changed` while overridden",
        )

    def test_rendering_a_template_in_a_test(self):
        with trace_signals() as trace:
            Template("Hello {{ name }}").render(Context({"name": "Ada"}))

        self.assert_sent(trace, "template_rendered", sender="<Template>")
        # The test environment swaps in this render method; it sends the signal.
        self.assertIs(
            Template._render,
            instrumented_test_render,
            f"{PAGE}: `template_rendered` is sent by the test environment's render",
        )

    @skipUnless(django.VERSION >= (6, 0), "template partials arrived in Django 6.0")
    def test_rendering_a_template_partial(self):
        source = "{% partialdef hello %}Hello{% endpartialdef %}{% partial hello %}"
        with trace_signals() as trace:
            Template(source).render(Context())

        self.assert_sent(trace, "template_rendered", sender="<PartialTemplate>")

    def test_opening_a_database_connection(self):
        new = connections.create_connection("default")
        with trace_signals() as trace:
            new.ensure_connection()
        # The wrapper's close() keeps in-memory SQLite databases open on purpose.
        new.connection.close()

        self.assert_sent(trace, "connection_created", sender="DatabaseWrapper")


class AuthSignals(SignalCheck, TestCase):
    def test_logging_in_and_out(self):
        User.objects.create_user("ada", password="s3cret-enough")
        client = Client()

        with trace_signals() as trace:
            client.login(username="ada", password="s3cret-enough")
            client.logout()

        self.assert_sent(trace, "user_logged_in", sender="auth.User")
        self.assert_sent(trace, "user_logged_out", sender="auth.User")

    def test_logging_out_when_nobody_is_logged_in(self):
        with trace_signals() as trace:
            Client().logout()

        [send] = self.assert_sent(trace, "user_logged_out", sender="NoneType")
        self.assertEqual(
            send.kwargs["user"], "None", f"{PAGE}: `user_logged_out` for nobody"
        )

    def test_a_failed_login_masks_the_password(self):
        with trace_signals() as trace:
            authenticate(username="ada", password="wrong")

        [send] = self.assert_sent(
            trace, "user_login_failed", sender="'django.contrib.auth'"
        )
        message = f"{PAGE}: `user_login_failed` masks the password in credentials"
        self.assertNotIn("wrong", send.kwargs["credentials"], message)
        self.assertIn("'username': 'ada'", send.kwargs["credentials"], message)


if django.VERSION >= (6, 0):
    from django.tasks import task

    @task
    def add(a, b):
        return a + b

    @task
    def fail():
        raise ValueError("this task fails")


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class NoTasksBefore6(SimpleTestCase):
    @skipIf(django.VERSION >= (6, 0), "django.tasks exists from Django 6.0")
    def test_django_5_2_has_no_tasks_module(self):
        self.assertIsNone(
            importlib.util.find_spec("django.tasks"),
            f"{PAGE}: the task signals are 6.0+ because django.tasks is",
        )


@skipUnless(django.VERSION >= (6, 0), "django.tasks arrived in Django 6.0")
@override_settings(TASKS=IMMEDIATE)
class TaskSignals(SignalCheck, SimpleTestCase):
    def test_a_task_that_succeeds(self):
        with trace_signals() as trace:
            add.enqueue(1, 2)

        self.assertEqual(
            [name for name in trace.names() if name.startswith("task_")],
            ["task_enqueued", "task_started", "task_finished"],
            f"{PAGE}: `task_enqueued`, `task_started`, `task_finished` in order",
        )
        for signal in ("task_enqueued", "task_started", "task_finished"):
            self.assert_sent(trace, signal, sender="ImmediateBackend")

    def test_a_task_that_fails_still_sends_task_finished(self):
        with trace_signals() as trace, self.assertLogs("django.tasks", "ERROR"):
            fail.enqueue()

        self.assert_sent(trace, "task_finished", sender="ImmediateBackend")


class AutoreloadSignals(SignalCheck, SimpleTestCase):
    def test_the_reloader_starts(self):
        reloader = autoreload.StatReloader()
        reloader.stop()  # so run() returns right after sending the signal

        with trace_signals() as trace:
            reloader.run(threading.current_thread())

        self.assert_sent(trace, "autoreload_started", sender="<StatReloader>")

    def test_a_file_changes_and_a_receiver_returning_true_stops_the_restart(self):
        reloader = autoreload.StatReloader()

        def handled(sender, file_path, **kwargs):
            return True

        with mock.patch.object(autoreload, "trigger_reload") as restart:
            with trace_signals() as trace:
                reloader.notify_file_changed(Path(__file__))
            restarts_without_handler = restart.call_count

            autoreload.file_changed.connect(handled)
            try:
                reloader.notify_file_changed(Path(__file__))
            finally:
                autoreload.file_changed.disconnect(handled)

        self.assert_sent(trace, "file_changed", sender="<StatReloader>")
        self.assertEqual(
            (restarts_without_handler, restart.call_count),
            (1, 1),
            f"{PAGE}: a `file_changed` receiver returning True stops the restart",
        )
