import json
from unittest import mock, skipIf, skipUnless
from wsgiref.util import setup_testing_defaults
from xml.etree import ElementTree

import django
from django.conf import global_settings
from django.contrib import auth
from django.contrib.auth.signals import user_logged_in
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from signal_tracer.tracer import trace_signals

from .diagram import render
from .models import Author, Book, Tag
from .scenarios import BOOK_TAGS, SCENARIOS, User, _library, _login_request, record
from .views import TagForm


def sends(name):
    """(signal, sender) for each send the scenario's recording keeps."""
    return [(send["signal"], send["sender"]) for send in record(name)["sends"]]


def values(name, signal, key):
    """The value of one argument in each send of one signal."""
    return [
        send["kwargs"][key]
        for send in record(name)["sends"]
        if send["signal"] == signal
    ]


class Listening:
    """Connect one receiver to some signals for one sender, inside a block."""

    def __init__(self, signals, sender=None):
        self.signals, self.sender, self.calls = signals, sender, []

    def receive(self, signal, sender, **kwargs):
        self.calls.append((signal, sender, kwargs))

    def __enter__(self):
        for signal in self.signals:
            signal.connect(self.receive, sender=self.sender, weak=False)
        return self

    def __exit__(self, *exc):
        for signal in self.signals:
            signal.disconnect(self.receive, sender=self.sender)


AUTHOR, BOOK, TAG = (
    "signal_scenarios.Author",
    "signal_scenarios.Book",
    "signal_scenarios.Tag",
)
THROUGH, USER, SESSION = "signal_scenarios.Book_tags", "auth.User", "sessions.Session"


class RecordTests(TestCase):
    def test_a_recording_is_plain_data_ready_for_json(self):
        recording = record("update_fields")

        self.assertEqual(json.loads(json.dumps(recording)), recording)
        self.assertEqual(recording["django"], "{}.{}".format(*django.VERSION[:2]))
        self.assertEqual(
            recording["sends"][0],
            {
                "signal": "pre_save",
                "sender": AUTHOR,
                "kwargs": {
                    "instance": None,
                    "raw": "False",
                    "using": None,
                    "update_fields": "frozenset({'name'})",
                },
            },
        )

    def test_sends_of_other_senders_are_left_out(self):
        # Another app's receiver that saves its own row: not part of creating
        # an author, so the recording of "create" keeps none of it.
        made = []

        def tag_new_authors(sender, created, **kwargs):
            made.append(Tag.objects.create(name="new"))

        post_save.connect(tag_new_authors, sender=Author)
        try:
            recorded = sends("create")
        finally:
            post_save.disconnect(tag_new_authors, sender=Author)

        self.assertEqual(len(made), 1)
        self.assertEqual({sender for _, sender in recorded}, {AUTHOR})

    def test_a_scenario_leaves_the_database_as_it_found_it(self):
        record("loaddata")

        self.assertFalse(Author.objects.exists())
        self.assertEqual(sends("loaddata"), sends("loaddata"))

    def test_every_scenario_is_named_after_its_function(self):
        for name, scenario in SCENARIOS.items():
            self.assertEqual(scenario.run.__name__, name)


class CreateAndUpdateTests(TestCase):
    def test_create_sends_four_signals_from_the_model(self):
        self.assertEqual(
            sends("create"),
            [(s, AUTHOR) for s in ("pre_init", "post_init", "pre_save", "post_save")],
        )
        self.assertEqual(values("create", "post_save", "created"), ["True"])
        self.assertEqual(values("create", "post_save", "update_fields"), ["None"])

    def test_only_post_save_comes_after_the_insert(self):
        signals = [pre_init, post_init, pre_save, post_save]
        with CaptureQueriesContext(connection) as queries:
            seen = []

            def note(signal, **kwargs):
                seen.append(len(queries.captured_queries))

            for signal in signals:
                signal.connect(note, sender=Author)
            try:
                Author.objects.create(name="Ada Lovelace")
            finally:
                for signal in signals:
                    signal.disconnect(note, sender=Author)

        self.assertEqual(seen, [0, 0, 0, 1])

    def test_update_fields_reaches_both_save_signals(self):
        self.assertEqual(
            sends("update_fields"), [("pre_save", AUTHOR), ("post_save", AUTHOR)]
        )
        self.assertEqual(
            values("update_fields", "post_save", "update_fields"),
            ["frozenset({'name'})"],
        )
        self.assertEqual(values("update_fields", "post_save", "created"), ["False"])


class DeleteCascadeTests(TestCase):
    def test_the_books_are_loaded_then_every_pre_delete_precedes_every_post_delete(
        self,
    ):
        self.assertEqual(
            sends("delete_cascade"),
            [
                ("pre_init", BOOK),
                ("post_init", BOOK),
                ("pre_init", BOOK),
                ("post_init", BOOK),
                ("pre_init", THROUGH),
                ("post_init", THROUGH),
                ("pre_delete", BOOK),
                ("pre_delete", BOOK),
                ("pre_delete", AUTHOR),
                ("post_delete", BOOK),
                ("post_delete", BOOK),
                ("post_delete", AUTHOR),
            ],
        )

    def test_origin_is_the_author_in_every_delete_signal(self):
        for signal in ("pre_delete", "post_delete"):
            self.assertEqual(
                set(values("delete_cascade", signal, "origin")),
                {"<signal_scenarios.Author>"},
            )

    def test_rows_still_exist_in_pre_delete_and_are_gone_in_post_delete(self):
        seen = []

        def note(signal, sender, instance, **kwargs):
            exists = sender.objects.filter(pk=instance.pk).exists()
            seen.append((signal is pre_delete, sender.__name__, exists))

        notes, _, _, _ = _library()
        for signal in (pre_delete, post_delete):
            for model in (Author, Book):
                signal.connect(note, sender=model)
        try:
            notes.author.delete()
        finally:
            for signal in (pre_delete, post_delete):
                for model in (Author, Book):
                    signal.disconnect(note, sender=model)

        self.assertEqual(
            seen,
            [
                (True, "Book", True),
                (True, "Book", True),
                (True, "Author", True),
                (False, "Book", False),
                (False, "Book", False),
                (False, "Author", False),
            ],
        )


class ThroughRowTests(TestCase):
    """Rows of Book_tags are loaded before deletion only when someone listens."""

    def setUp(self):
        for signal in (pre_delete, post_delete):
            self.assertFalse(
                signal.has_listeners(BOOK_TAGS),
                f"Some app listens to {signal} for every model; these tests "
                "need Book.tags.through to have no delete receivers.",
            )

    def test_remove_loads_no_through_row_when_nobody_listens_to_deletes(self):
        notes, _, math, _ = _library()
        notes.tags.add(math)

        with Listening([pre_init], sender=BOOK_TAGS) as created:
            notes.tags.remove(math)

        self.assertEqual(created.calls, [])

    def test_a_cascade_loads_no_through_row_when_nobody_listens_to_deletes(self):
        notes, _, math, _ = _library()
        notes.tags.add(math)

        with Listening([pre_init], sender=BOOK_TAGS) as created:
            notes.author.delete()

        self.assertEqual(created.calls, [])

    def test_a_delete_receiver_makes_django_load_them_but_not_signal_them(self):
        notes, _, math, _ = _library()
        notes.tags.add(math)

        with (
            Listening([pre_delete, post_delete]) as deletes,
            Listening([pre_init], sender=BOOK_TAGS) as created,
        ):
            notes.tags.remove(math)

        self.assertEqual(len(created.calls), 1)
        self.assertNotIn(BOOK_TAGS, [sender for _, sender, _ in deletes.calls])

    def test_add_makes_through_objects_only_for_new_rows_when_someone_listens(self):
        self.assertFalse(m2m_changed.has_listeners(BOOK_TAGS))
        notes, _, math, poetry = _library()
        notes.tags.add(math)

        with Listening([pre_init], sender=BOOK_TAGS) as unheard:
            notes.tags.add(math, poetry)  # one object per pk; the database skips math
        notes.tags.remove(poetry)
        with (
            Listening([m2m_changed], sender=BOOK_TAGS),
            Listening([pre_init], sender=BOOK_TAGS) as heard,
        ):
            notes.tags.add(math, poetry)  # Django first asks which pks are new

        self.assertEqual((len(unheard.calls), len(heard.calls)), (2, 1))
        self.assertEqual(set(notes.tags.all()), {math, poetry})


class ManyToManyTests(TestCase):
    def m2m_sends(self, name):
        return [
            (
                send["kwargs"]["action"],
                send["kwargs"]["reverse"],
                send["kwargs"]["model"],
                send["kwargs"]["pk_set"],
            )
            for send in record(name)["sends"]
            if send["signal"] == "m2m_changed"
        ]

    def test_add_from_both_sides(self):
        self.assertEqual(
            self.m2m_sends("m2m_add"),
            [
                ("'pre_add'", "False", TAG, "{2}"),  # math was there already
                ("'post_add'", "False", TAG, "{2}"),
                ("'pre_add'", "True", BOOK, "{1}"),
                ("'post_add'", "True", BOOK, "{1}"),
            ],
        )

    def test_remove_from_both_sides(self):
        self.assertEqual(
            self.m2m_sends("m2m_remove"),
            [
                ("'pre_remove'", "False", TAG, "{2}"),
                ("'post_remove'", "False", TAG, "{2}"),
                ("'pre_remove'", "True", BOOK, "{1}"),
                ("'post_remove'", "True", BOOK, "{1}"),
            ],
        )

    def test_clear_from_both_sides_tells_no_pks(self):
        self.assertEqual(
            self.m2m_sends("m2m_clear"),
            [
                ("'pre_clear'", "False", TAG, "None"),
                ("'post_clear'", "False", TAG, "None"),
                ("'pre_clear'", "True", BOOK, "None"),
                ("'post_clear'", "True", BOOK, "None"),
            ],
        )

    def test_the_through_model_is_the_sender_from_both_sides(self):
        for name in ("m2m_add", "m2m_remove", "m2m_clear"):
            with self.subTest(name):
                self.assertEqual({sender for _, sender in sends(name)}, {THROUGH})

    def test_pre_add_comes_before_the_insert_and_post_add_after(self):
        notes, _, math, _ = _library()
        seen = []

        def check(sender, instance, action, pk_set, **kwargs):
            seen.append((action, instance.tags.filter(pk__in=pk_set).exists()))

        m2m_changed.connect(check, sender=BOOK_TAGS)
        try:
            notes.tags.add(math)
        finally:
            m2m_changed.disconnect(check, sender=BOOK_TAGS)

        self.assertEqual(seen, [("pre_add", False), ("post_add", True)])

    def test_pre_clear_is_the_moment_to_read_what_is_cleared(self):
        notes, _, math, poetry = _library()
        notes.tags.add(math, poetry)
        read = []

        def read_tags(sender, instance, action, **kwargs):
            read.append((action, sorted(tag.name for tag in instance.tags.all())))

        m2m_changed.connect(read_tags, sender=BOOK_TAGS)
        try:
            notes.tags.clear()
        finally:
            m2m_changed.disconnect(read_tags, sender=BOOK_TAGS)

        self.assertEqual(read, [("pre_clear", ["math", "poetry"]), ("post_clear", [])])


class AuthTests(TestCase):
    def test_login_loads_the_user_saves_a_session_then_sends_user_logged_in(self):
        self.assertEqual(
            sends("login"),
            [
                ("pre_init", USER),
                ("post_init", USER),
                ("pre_init", SESSION),
                ("post_init", SESSION),
                ("pre_save", SESSION),
                ("post_save", SESSION),
                ("user_logged_in", USER),
                ("pre_save", USER),
                ("post_save", USER),
            ],
        )
        self.assertEqual(values("login", "post_save", "created"), ["True", "False"])

    def test_last_login_is_saved_by_djangos_own_receiver(self):
        # Without update_last_login (Django connects it with this dispatch_uid),
        # nothing saves the user after user_logged_in. Patching the list keeps
        # every other receiver, and puts it back in its place afterwards.
        others = [r for r in user_logged_in.receivers if r[0][0] != "update_last_login"]
        with mock.patch.object(user_logged_in, "receivers", others):
            recorded = sends("login")

        self.assertEqual(recorded[-1], ("user_logged_in", USER))
        self.assertEqual(sends("login")[-2:], [("pre_save", USER), ("post_save", USER)])
        self.assertEqual(
            values("login", "post_save", "update_fields")[-1],
            "frozenset({'last_login'})",
        )

    @override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
    def test_the_session_rows_come_from_the_database_session_engine(self):
        self.assertEqual(
            global_settings.SESSION_ENGINE, "django.contrib.sessions.backends.db"
        )
        self.assertNotIn(SESSION, {sender for _, sender in sends("login")})
        self.assertNotIn(SESSION, {sender for _, sender in sends("logout")})

    def test_without_record_first_the_last_login_save_is_recorded_first(self):
        user = User.objects.create_user("ada")
        request = _login_request()
        with trace_signals() as trace:
            auth.login(request, user)

        self.assertEqual(
            [send.signal for send in trace.sent_by(USER)],
            ["pre_save", "post_save", "user_logged_in"],
        )

    def test_logout_sends_user_logged_out_then_deletes_the_session(self):
        self.assertEqual(
            sends("logout"),
            [
                ("user_logged_out", USER),
                ("pre_init", SESSION),
                ("post_init", SESSION),
                ("pre_delete", SESSION),
                ("post_delete", SESSION),
            ],
        )
        self.assertEqual(values("logout", "user_logged_out", "user"), ["<auth.User>"])

    def test_a_failed_login_loads_the_user_and_masks_the_password(self):
        self.assertEqual(
            sends("login_failed"),
            [
                ("pre_init", USER),
                ("post_init", USER),
                ("user_login_failed", "'django.contrib.auth'"),
            ],
        )
        self.assertEqual(
            values("login_failed", "user_login_failed", "credentials"),
            ["{'username': 'ada', 'password': '********************'}"],
        )


class RequestTests(TestCase):
    def test_a_wsgi_request_wraps_the_views_model_signals(self):
        self.assertEqual(
            sends("request_wsgi"),
            [
                ("request_started", "ClientHandler"),
                ("pre_init", TAG),
                ("post_init", TAG),
                ("pre_save", TAG),
                ("post_save", TAG),
                ("request_finished", "None"),
            ],
        )
        [started] = [
            s
            for s in record("request_wsgi")["sends"]
            if s["signal"] == "request_started"
        ]
        self.assertEqual(list(started["kwargs"]), ["environ"])

    def test_an_asgi_request_gets_the_scope(self):
        recording = record("request_asgi")

        self.assertEqual(
            [(s["signal"], s["sender"]) for s in recording["sends"]],
            [
                ("request_started", "AsyncClientHandler"),
                ("pre_init", TAG),
                ("post_init", TAG),
                ("pre_save", TAG),
                ("post_save", TAG),
                ("request_finished", "None"),
            ],
        )
        self.assertEqual(list(recording["sends"][0]["kwargs"]), ["scope"])

    def test_the_form_creates_the_tag_object_when_it_is_made(self):
        with Listening([pre_init, post_init], sender=Tag) as created:
            form = TagForm({"name": "math"})

        self.assertEqual(len(created.calls), 2)
        self.assertIs(created.calls[1][2]["instance"], form.instance)

    def test_the_view_rejects_a_bad_name(self):
        response = self.client.post("/signal_scenarios/tags/", {"name": "x" * 51})

        self.assertEqual(response.status_code, 400)
        self.assertFalse(Tag.objects.exists())

    def test_the_view_accepts_only_post(self):
        response = self.client.get("/signal_scenarios/tags/")

        self.assertEqual(response.status_code, 405)


class WsgiServerTests(SimpleTestCase):
    def setUp(self):
        # As the test client does: WSGIHandler's close_old_connections would
        # otherwise reach for the database, which this test does not use.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def test_a_wsgi_server_gets_request_finished_from_the_handler_on_close(self):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/signal_scenarios/tags/"}
        setup_testing_defaults(environ)  # the rest of a WSGI server's environ
        with (
            Listening([request_finished]) as finished,
            self.assertLogs("django.request", "WARNING"),  # 405: POST only
        ):
            response = WSGIHandler()(environ, lambda status, headers: None)
            before_close = len(finished.calls)
            response.close()  # what the server does when it has sent it

        self.assertEqual(before_close, 0)
        self.assertEqual([sender for _, sender, _ in finished.calls], [WSGIHandler])


class LoaddataTests(TestCase):
    def test_every_row_is_saved_raw_then_the_m2m_is_added(self):
        recording = sends("loaddata")
        per_row = ["pre_init", "post_init", "pre_save", "post_save"]
        self.assertEqual(
            recording,
            [(s, model) for model in (AUTHOR, TAG, BOOK) for s in per_row]
            + [
                ("m2m_changed", THROUGH),
                ("pre_init", THROUGH),
                ("post_init", THROUGH),
                ("m2m_changed", THROUGH),
            ],
        )
        self.assertEqual(set(values("loaddata", "post_save", "raw")), {"True"})
        self.assertEqual(set(values("loaddata", "post_save", "created")), {"True"})

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_m2m_changed_is_raw_too(self):
        self.assertEqual(values("loaddata", "m2m_changed", "raw"), ["True", "True"])

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 added raw to m2m_changed")
    def test_m2m_changed_has_no_raw_before_6_1(self):
        m2m = [s for s in record("loaddata")["sends"] if s["signal"] == "m2m_changed"]
        self.assertEqual(len(m2m), 2)
        for send in m2m:
            self.assertNotIn("raw", send["kwargs"])


EXAMPLE = {
    "scenario": "example",
    "title": "An example",
    "django": "6.1",
    "caller": "your code",
    "sends": [
        {
            "signal": "pre_save",
            "sender": "shop.Order",
            "kwargs": {"instance": None, "raw": "False"},
        },
        {
            "signal": "order_paid",
            "sender": "shop.Payment",
            "kwargs": {"note": "'<b> & co'"},
        },
        {"signal": "request_finished", "sender": "None", "kwargs": {}},
    ],
}


class DiagramTests(SimpleTestCase):
    recording = EXAMPLE

    def svg(self):
        return ElementTree.fromstring(render(self.recording))

    def test_the_result_is_well_formed_svg_with_text_escaped(self):
        texts = [t for t in self.svg().itertext()]

        self.assertIn("(note='<b> & co')", texts)

    def test_title_and_description_say_everything_in_words(self):
        ns = {"svg": "http://www.w3.org/2000/svg"}
        svg = self.svg()

        self.assertEqual(svg.get("role"), "img")
        self.assertEqual(
            svg.find("svg:title", ns).text, "An example: the signals Django 6.1 sends"
        )
        description = svg.find("svg:desc", ns).text
        self.assertIn("1. shop.Order sends pre_save(instance, raw=False).", description)
        self.assertIn("3. None sends request_finished().", description)

    def test_one_column_per_sender_after_the_caller(self):
        ns = {"svg": "http://www.w3.org/2000/svg"}
        headers = [t.text for t in self.svg().findall("svg:text[@class='b n c']", ns)]

        self.assertEqual(headers, ["your code", "Order", "Payment", "None"])

    def test_one_arrow_per_send(self):
        ns = {"svg": "http://www.w3.org/2000/svg"}

        self.assertEqual(len(self.svg().findall("svg:path[@class='a']", ns)), 3)

    def test_it_has_its_own_background_for_light_and_dark(self):
        svg = render(self.recording)

        self.assertIn('<rect class="bg"', svg)
        self.assertIn("@media (prefers-color-scheme:dark)", svg)

    def test_long_argument_lists_wrap(self):
        long = {f"argument_{n}": None for n in range(10)}
        recording = {
            **self.recording,
            "sends": [{"signal": "sig", "sender": "x", "kwargs": long}],
        }
        ns = {"svg": "http://www.w3.org/2000/svg"}
        lines = ElementTree.fromstring(render(recording)).findall("svg:text", ns)

        self.assertGreater(
            len([t for t in lines if "argument_" in "".join(t.itertext())]), 1
        )

    def test_the_same_recording_gives_the_same_bytes(self):
        self.assertEqual(
            render(self.recording), render(json.loads(json.dumps(self.recording)))
        )
