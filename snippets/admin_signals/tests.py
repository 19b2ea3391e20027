import functools
import json
import os
import subprocess
import sys
import warnings
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from unittest import mock, skipUnless

import django
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.test import (
    RequestFactory,
    TestCase,
    override_settings,
)
from django.test.signals import template_rendered
from django.urls import include, path, reverse

from .admin import HistoryLoggingMixin, TicketAdmin
from .debugging import receivers_for, recording
from .models import Ticket

User = get_user_model()
RECEIVERS_LOG = "admin_signals.signals"
HISTORY_LOG = "admin_signals.admin"
OPEN, CLOSED = Ticket.Status.OPEN, Ticket.Status.CLOSED
HAS_DEBUG_TOOLBAR = find_spec("debug_toolbar") is not None
HAS_JINJA2 = find_spec("jinja2") is not None
JINJA2 = {"BACKEND": "django.template.backends.jinja2.Jinja2", "APP_DIRS": True}
DJANGO = {
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
}
TEMPLATE = "admin_signals/tickets.html"
JINJA2_DIR = Path(__file__).resolve().parent / "jinja2"


# --8<-- [start:update_action]
# The bug, kept out of the app: an action that closes tickets with update().
@admin.action(description="Close selected tickets", permissions=["change"])
def close_with_update(modeladmin, request, queryset):
    # One UPDATE statement: no pre_save, no post_save, for any ticket.
    queryset.filter(status=Ticket.Status.OPEN).update(status=Ticket.Status.CLOSED)


class UpdateTicketAdmin(admin.ModelAdmin):
    actions = (close_with_update,)


# --8<-- [end:update_action]


# --8<-- [start:old_hook]
# How code hooked into the admin's deletions before Django 5.1 added
# log_deletions(): by overriding log_deletion(), called once per object.
class OldHookTicketAdmin(admin.ModelAdmin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hooked = []

    def log_deletion(self, request, obj, object_repr):
        self.hooked.append(obj.pk)
        return super().log_deletion(request, obj, object_repr)


# --8<-- [end:old_hook]

# Admin sites for these tests only, next to the real one.
update_site = admin.AdminSite(name="update_admin")
update_site.register(Ticket, UpdateTicketAdmin)
old_hook_site = admin.AdminSite(name="old_hook_admin")
old_hook_site.register(Ticket, OldHookTicketAdmin)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("update-admin/", update_site.urls),
    path("old-hook-admin/", old_hook_site.urls),
    path("", include("admin_signals.urls")),
]


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.boss = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.boss)

    def make_tickets(self, *titles, status=OPEN):
        return [Ticket.objects.create(title=title, status=status) for title in titles]

    def run_action(self, action, tickets, site="admin", **extra):
        return self.client.post(
            reverse(f"{site}:admin_signals_ticket_changelist"),
            {"action": action, "_selected_action": [t.pk for t in tickets], **extra},
        )

    def delete_selected(self, tickets, site="admin"):
        # "post" is the confirmation page's answer: delete them.
        return self.run_action("delete_selected", tickets, site=site, post="yes")

    @contextmanager
    def logged_after_commit(self, logger):
        with (
            self.assertLogs(logger, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            yield logs

    @contextmanager
    def nothing_logged(self, logger):
        with (
            self.assertNoLogs(logger, "INFO"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            yield


@override_settings(ROOT_URLCONF="admin_signals.tests")
class DeleteSelectedTests(AdminTestCase):
    """The built-in "Delete selected" action and the delete signals."""

    def test_delete_signals_for_each_ticket_but_model_delete_is_never_called(self):
        tickets = self.make_tickets("Printer", "Wi-Fi", "Coffee")
        pks = [t.pk for t in tickets]

        with (
            recording(pre_delete, sender=Ticket) as pre,
            recording(post_delete, sender=Ticket) as post,
            mock.patch.object(Ticket, "delete", autospec=True) as model_delete,
            self.logged_after_commit(RECEIVERS_LOG) as logs,
        ):
            response = self.delete_selected(tickets)

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Ticket.objects.exists())
        # The instances lose their pk once deleted; their titles stay.
        self.assertEqual(
            sorted(s["instance"].title for s in pre), ["Coffee", "Printer", "Wi-Fi"]
        )
        self.assertEqual(len(post), 3)
        model_delete.assert_not_called()  # QuerySet.delete() deleted them
        self.assertEqual(
            sorted(logs.output),
            [f"INFO:{RECEIVERS_LOG}:ticket {pk} deleted" for pk in pks],
        )

    def test_the_delete_page_calls_model_delete(self):
        (ticket,) = self.make_tickets("Printer")

        with (
            mock.patch.object(
                Ticket, "delete", autospec=True, side_effect=models.Model.delete
            ) as model_delete,
            self.logged_after_commit(RECEIVERS_LOG) as logs,
        ):
            self.client.post(
                reverse("admin:admin_signals_ticket_delete", args=[ticket.pk]),
                {"post": "yes"},
            )

        model_delete.assert_called_once()
        self.assertEqual(
            logs.output, [f"INFO:{RECEIVERS_LOG}:ticket {ticket.pk} deleted"]
        )


@override_settings(ROOT_URLCONF="admin_signals.tests")
class CustomActionTests(AdminTestCase):
    """An action that calls update() sends nothing; one that saves does."""

    def test_an_action_with_update_sends_no_signals(self):
        tickets = self.make_tickets("Printer", "Wi-Fi")

        with (
            recording(pre_save, sender=Ticket) as pre,
            recording(post_save, sender=Ticket) as post,
            self.nothing_logged(RECEIVERS_LOG),
        ):
            response = self.run_action(
                "close_with_update", tickets, site="update_admin"
            )

        self.assertEqual(response.status_code, 302)
        # The tickets are closed, and no receiver heard of it.
        self.assertEqual(set(Ticket.objects.values_list("status", flat=True)), {CLOSED})
        self.assertEqual((pre, post), ([], []))
        # No action writes history by itself either.
        self.assertFalse(LogEntry.objects.exists())

    def test_close_selected_saves_each_open_ticket(self):
        printer, wifi = self.make_tickets("Printer", "Wi-Fi")
        (done,) = self.make_tickets("Done already", status=CLOSED)

        with (
            recording(post_save, sender=Ticket) as saves,
            self.logged_after_commit(RECEIVERS_LOG) as logs,
        ):
            response = self.run_action("close_selected", [printer, wifi, done])

        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            ["Closed 2 tickets."],
        )
        self.assertEqual(set(Ticket.objects.values_list("status", flat=True)), {CLOSED})
        # One post_save per ticket it closed; the closed one is left alone.
        self.assertEqual(
            sorted((s["instance"].pk, s["update_fields"]) for s in saves),
            [(printer.pk, {"status"}), (wifi.pk, {"status"})],
        )
        self.assertEqual(
            sorted(logs.output),
            sorted(
                f"INFO:{RECEIVERS_LOG}:ticket {t.pk} saved, status closed"
                for t in (printer, wifi)
            ),
        )

    def test_close_selected_is_offered_to_users_who_may_change_tickets(self):
        viewer = User.objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="admin_signals", codename="view_ticket"
            )
        )
        model_admin = admin.site.get_model_admin(Ticket)

        def actions_for(user):  # {name: description}, as the form offers them
            request = RequestFactory().get("/")
            request.user = user
            return dict(model_admin.get_action_choices(request))

        self.assertEqual(
            actions_for(self.boss)["close_selected"], "Close selected tickets"
        )
        self.assertNotIn("close_selected", actions_for(viewer))

    def test_close_selected_writes_a_history_entry_for_each_ticket(self):
        printer, wifi = self.make_tickets("Printer", "Wi-Fi")

        self.run_action("close_selected", [printer, wifi])

        self.assertEqual(
            sorted(LogEntry.objects.values_list("object_id", "action_flag")),
            sorted([(str(printer.pk), CHANGE), (str(wifi.pk), CHANGE)]),
        )

    def test_close_selected_saves_nothing_if_one_save_fails(self):
        printer, wifi = self.make_tickets("Printer", "Wi-Fi")

        def fail_on_wifi(sender, instance, **kwargs):
            if instance.pk == wifi.pk:
                raise RuntimeError("receiver failed")

        post_save.connect(fail_on_wifi, sender=Ticket)
        self.addCleanup(post_save.disconnect, fail_on_wifi, sender=Ticket)

        with (
            self.nothing_logged(RECEIVERS_LOG),
            self.assertLogs("django.request", "ERROR"),  # the 500 it would be
            self.assertRaises(RuntimeError),
        ):
            self.run_action("close_selected", [printer, wifi])

        self.assertEqual(set(Ticket.objects.values_list("status", flat=True)), {OPEN})
        self.assertFalse(LogEntry.objects.exists())


@override_settings(ROOT_URLCONF="admin_signals.tests")
class LogEntryTests(AdminTestCase):
    """What a post_save receiver on LogEntry sees, and what it misses."""

    def entries_saved(self, sends):
        return [(s["instance"].action_flag, s["created"]) for s in sends]

    def test_add_change_and_delete_pages_each_save_one_entry(self):
        with recording(post_save, sender=LogEntry) as sends:
            self.client.post(
                reverse("admin:admin_signals_ticket_add"),
                {"title": "Printer", "status": OPEN},
            )
            ticket = Ticket.objects.get()
            self.client.post(
                reverse("admin:admin_signals_ticket_change", args=[ticket.pk]),
                {"title": "Printer on fire", "status": OPEN},
            )
            self.client.post(
                reverse("admin:admin_signals_ticket_delete", args=[ticket.pk]),
                {"post": "yes"},
            )

        self.assertEqual(
            self.entries_saved(sends),
            [(ADDITION, True), (CHANGE, True), (DELETION, True)],
        )

    def test_delete_selected_of_one_ticket_saves_its_entry(self):
        tickets = self.make_tickets("Printer")

        with recording(post_save, sender=LogEntry) as sends:
            self.delete_selected(tickets)

        self.assertEqual(self.entries_saved(sends), [(DELETION, True)])

    def test_delete_selected_of_several_writes_entries_without_post_save(self):
        tickets = self.make_tickets("Printer", "Wi-Fi", "Coffee")
        manager = type(LogEntry.objects)
        bulk_create = manager.bulk_create

        with (
            recording(post_save, sender=LogEntry) as sends,
            mock.patch.object(
                manager, "bulk_create", autospec=True, side_effect=bulk_create
            ) as spy,
        ):
            self.delete_selected(tickets)

        self.assertEqual(sends, [])  # a receiver on LogEntry heard nothing
        spy.assert_called_once()
        self.assertEqual(
            sorted(LogEntry.objects.values_list("object_id", "action_flag")),
            sorted((str(t.pk), DELETION) for t in tickets),
        )

    def test_log_deletions_exists_on_both_series(self):
        self.assertTrue(hasattr(admin.ModelAdmin, "log_deletions"))

    @skipUnless(django.VERSION < (6, 0), "log_deletion() was removed in Django 6.0")
    def test_on_5_2_an_old_log_deletion_hook_is_still_called(self):
        from django.utils.deprecation import RemovedInDjango60Warning

        tickets = self.make_tickets("Printer", "Wi-Fi", "Coffee")
        model_admin = old_hook_site.get_model_admin(Ticket)

        with (
            self.assertWarns(RemovedInDjango60Warning),
            recording(post_save, sender=LogEntry) as sends,
        ):
            self.delete_selected(tickets, site="old_hook_admin")

        self.assertEqual(sorted(model_admin.hooked), [t.pk for t in tickets])
        # Each entry is saved on its own, and post_save is sent for each.
        self.assertEqual(self.entries_saved(sends), [(DELETION, True)] * 3)
        self.assertTrue(hasattr(LogEntry.objects, "log_action"))

    @skipUnless(django.VERSION >= (6, 0), "log_deletion() is still called on 5.2")
    def test_from_6_0_an_old_log_deletion_hook_is_never_called(self):
        tickets = self.make_tickets("Printer", "Wi-Fi", "Coffee")
        model_admin = old_hook_site.get_model_admin(Ticket)

        with (
            warnings.catch_warnings(record=True) as caught,
            recording(post_save, sender=LogEntry) as sends,
        ):
            warnings.simplefilter("always")
            self.delete_selected(tickets, site="old_hook_admin")

        self.assertEqual(model_admin.hooked, [])  # dead code, and nothing warns
        self.assertEqual(caught, [])
        self.assertEqual(sends, [])
        self.assertEqual(LogEntry.objects.filter(action_flag=DELETION).count(), 3)
        self.assertFalse(hasattr(admin.ModelAdmin, "log_deletion"))
        self.assertFalse(hasattr(LogEntry.objects, "log_action"))


@override_settings(ROOT_URLCONF="admin_signals.tests")
class HistoryLoggingTests(AdminTestCase):
    """HistoryLoggingMixin sees every entry, bulk deletions included."""

    def line(self, verb, pk):
        return (
            f"INFO:{HISTORY_LOG}:user {self.boss.pk} {verb} admin_signals.ticket {pk}"
        )

    def test_it_logs_additions_changes_and_deletions(self):
        with self.logged_after_commit(HISTORY_LOG) as logs:
            self.client.post(
                reverse("admin:admin_signals_ticket_add"),
                {"title": "Printer", "status": OPEN},
            )
            ticket = Ticket.objects.get()
            self.client.post(
                reverse("admin:admin_signals_ticket_change", args=[ticket.pk]),
                {"title": "Printer on fire", "status": OPEN},
            )
            self.client.post(
                reverse("admin:admin_signals_ticket_delete", args=[ticket.pk]),
                {"post": "yes"},
            )

        self.assertEqual(
            logs.output,
            [
                self.line("added", ticket.pk),
                self.line("changed", ticket.pk),
                self.line("deleted", ticket.pk),
            ],
        )

    def test_it_logs_every_entry_of_delete_selected(self):
        tickets = self.make_tickets("Printer", "Wi-Fi", "Coffee")

        with self.logged_after_commit(HISTORY_LOG) as logs:
            self.delete_selected(tickets)

        self.assertEqual(
            sorted(logs.output), sorted(self.line("deleted", t.pk) for t in tickets)
        )

    def test_it_logs_the_changes_of_close_selected(self):
        tickets = self.make_tickets("Printer", "Wi-Fi")

        with self.logged_after_commit(HISTORY_LOG) as logs:
            self.run_action("close_selected", tickets)

        self.assertEqual(
            sorted(logs.output), sorted(self.line("changed", t.pk) for t in tickets)
        )

    def test_nothing_is_logged_when_the_change_rolls_back(self):
        (ticket,) = self.make_tickets("Printer")
        request = RequestFactory().post("/")
        request.user = self.boss

        with self.nothing_logged(HISTORY_LOG):
            try:
                with transaction.atomic():
                    TicketAdmin(Ticket, admin.site).log_change(request, ticket, "")
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass

        self.assertFalse(LogEntry.objects.exists())

    def test_it_returns_the_entries_the_admin_wrote(self):
        printer, wifi = self.make_tickets("Printer", "Wi-Fi")
        request = RequestFactory().post("/")
        request.user = self.boss
        model_admin = TicketAdmin(Ticket, admin.site)

        with self.assertLogs(HISTORY_LOG), self.captureOnCommitCallbacks(execute=True):
            added = model_admin.log_addition(request, printer, "")
            changed = model_admin.log_change(request, printer, "")
            deleted = model_admin.log_deletions(request, Ticket.objects.all())

        self.assertEqual((added.action_flag, changed.action_flag), (ADDITION, CHANGE))
        self.assertEqual(
            sorted(str(entry.object_id) for entry in deleted),
            sorted(str(t.pk) for t in (printer, wifi)),
        )

    def test_ticket_admin_uses_it(self):
        self.assertIsInstance(admin.site.get_model_admin(Ticket), HistoryLoggingMixin)


class ReceiverTests(TestCase):
    """The app's receivers log after the commit, and only then."""

    def test_a_created_ticket_is_logged(self):
        with (
            self.assertLogs(RECEIVERS_LOG, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            ticket = Ticket.objects.create(title="Printer")

        self.assertEqual(
            logs.output,
            [f"INFO:{RECEIVERS_LOG}:ticket {ticket.pk} created, status open"],
        )

    def test_nothing_is_logged_for_a_rollback(self):
        ticket = Ticket.objects.create(title="Printer")

        with (
            self.assertNoLogs(RECEIVERS_LOG),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            try:
                with transaction.atomic():
                    ticket.save()
                    ticket.delete()
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass

        self.assertEqual(callbacks, [])
        self.assertTrue(Ticket.objects.exists())


class DebuggingTests(TestCase):
    """has_listeners(), receivers_for() and recording(): public API only."""

    def post_save_arguments(self, ticket):
        return {
            "instance": ticket,
            "created": False,
            "update_fields": None,
            "raw": False,
            "using": "default",
        }

    def test_has_listeners_answers_for_one_sender(self):
        signal = Signal()
        self.assertFalse(signal.has_listeners(Ticket))

        def for_users(sender, **kwargs):
            pass

        signal.connect(for_users, sender=User)
        self.assertFalse(signal.has_listeners(Ticket))  # another sender's
        self.assertTrue(signal.has_listeners(User))

        def for_everyone(sender, **kwargs):
            pass

        signal.connect(for_everyone)  # no sender: every sender has it
        self.assertTrue(signal.has_listeners(Ticket))
        # The app's own receivers.
        self.assertTrue(post_save.has_listeners(Ticket))
        self.assertTrue(post_delete.has_listeners(Ticket))

    def test_receivers_for_names_the_receivers_for_that_sender(self):
        ticket = Ticket.objects.create(title="Printer")

        def for_users(sender, **kwargs):
            pass

        post_save.connect(for_users, sender=User)
        self.addCleanup(post_save.disconnect, for_users, sender=User)

        names = receivers_for(post_save, Ticket, **self.post_save_arguments(ticket))

        self.assertIn("admin_signals.signals.log_ticket_saved", names)
        self.assertNotIn("admin_signals.signals.log_ticket_deleted", names)
        self.assertNotIn(f"{__name__}.{for_users.__qualname__}", names)

    def test_the_dry_run_is_rolled_back(self):
        ticket = Ticket.objects.create(title="Printer")

        def open_a_follow_up(sender, instance, **kwargs):
            Ticket.objects.create(title=f"Follow-up of {instance.pk}")

        post_save.connect(open_a_follow_up, sender=Ticket)
        self.addCleanup(post_save.disconnect, open_a_follow_up, sender=Ticket)

        with (
            self.assertNoLogs(RECEIVERS_LOG),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            names = receivers_for(post_save, Ticket, **self.post_save_arguments(ticket))

        self.assertIn(f"{__name__}.{open_a_follow_up.__qualname__}", names)
        self.assertEqual(Ticket.objects.count(), 1)  # the follow-up is gone
        self.assertEqual(callbacks, [])  # log_ticket_saved's line too

    def test_a_receiver_that_raises_is_named_and_the_rest_still_run(self):
        signal = Signal()

        def fails(sender, **kwargs):
            raise RuntimeError("broken receiver")

        def runs(sender, **kwargs):
            pass

        signal.connect(fails, sender=Ticket)
        signal.connect(runs, sender=Ticket)

        with self.assertLogs("django.dispatch", "ERROR"):  # send_robust logs it
            names = receivers_for(signal, Ticket)

        self.assertEqual(names, [f"{__name__}.{f.__qualname__}" for f in (fails, runs)])

    def test_a_receiver_without_a_qualified_name_is_shown_as_its_repr(self):
        signal = Signal()
        receiver = functools.partial(lambda sender, **kwargs: None)
        signal.connect(receiver, sender=Ticket, weak=False)

        self.assertEqual(receivers_for(signal, Ticket), [repr(receiver)])

    def test_receivers_for_sends_nothing_when_nobody_listens(self):
        signal = Signal()
        with mock.patch.object(signal, "send_robust") as send_robust:
            self.assertEqual(receivers_for(signal, Ticket), [])
        send_robust.assert_not_called()

    def test_recording_sees_each_send_and_stops_after_the_block(self):
        with recording(post_save, sender=Ticket) as sends:
            ticket = Ticket.objects.create(title="Printer")
            User.objects.create_user("ada")  # another sender: not recorded

        self.assertEqual(len(sends), 1)
        self.assertIs(sends[0]["instance"], ticket)
        self.assertIs(sends[0]["signal"], post_save)
        self.assertTrue(sends[0]["created"])

        ticket.save()
        self.assertEqual(len(sends), 1)  # disconnected

    def test_recording_with_no_sender_sees_every_sender(self):
        with recording(post_save) as sends:
            Ticket.objects.create(title="Printer")
            User.objects.create_user("ada")

        senders = [s["sender"] for s in sends]
        self.assertIn(Ticket, senders)
        self.assertIn(User, senders)


SNIPPETS_DIR = Path(__file__).resolve().parent.parent  # the folder the app is in

SIGNALS_PANEL = """
import json, sys
from importlib.util import find_spec

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

snippets_dir, config, receivers = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
sys.path.insert(0, snippets_dir)

# --8<-- [start:panel]
# settings.py: the toolbar, for development only, with its signals panel alone.
settings.configure(
    DEBUG=True,
    INTERNAL_IPS=["127.0.0.1"],  # the toolbar shows for these addresses only
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.staticfiles",
        "admin_signals",
        "debug_toolbar",
    ],
    MIDDLEWARE=["debug_toolbar.middleware.DebugToolbarMiddleware"],
    ROOT_URLCONF=__name__,  # the urlpatterns below
    STATIC_URL="static/",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
        }
    ],
    DEBUG_TOOLBAR_PANELS=["debug_toolbar.panels.signals.SignalsPanel"],
    DEBUG_TOOLBAR_CONFIG=config,  # such as {"EXTRA_SIGNALS": [...]}
)
django.setup()


# views.py: a page that saves and deletes nothing.
def home(request):
    return HttpResponse("<html><body>Nothing saved.</body></html>")


# urls.py
from debug_toolbar.toolbar import debug_toolbar_urls

urlpatterns = [path("", home), *debug_toolbar_urls()]
# --8<-- [end:panel]

exec(receivers)  # more receivers for the test to connect

from django.template import engines
from django.test import Client
from django.test.signals import template_rendered
from debug_toolbar.store import get_store
from debug_toolbar.toolbar import DebugToolbar

# One request from 127.0.0.1, through the toolbar's middleware, then what
# the signals panel stored for it: what the toolbar shows in the browser.
Client(SERVER_NAME="localhost").get("/")  # with DEBUG on, localhost is allowed
(request_id,) = get_store().request_ids()
panel = DebugToolbar.fetch(request_id).get_panel_by_id("SignalsPanel")

# Then a render with each engine: is template_rendered sent?
sent = []

def record(sender, **kwargs):
    sent.append(type(sender).__module__)

template_rendered.connect(record)
engines["django"].from_string("Hello").render({})
if find_spec("jinja2"):
    from django.template.backends.jinja2 import Jinja2

    jinja2 = Jinja2({"NAME": "jinja2", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})
    jinja2.from_string("Hello").render({})
print(json.dumps({"stats": panel.get_stats(), "template_rendered": sent}))
"""


def run_in_a_new_process(script, *args):
    """Run a python -c script, without this process's settings; return its JSON."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            timeout=60,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        error.add_note(error.stderr)
        raise
    return json.loads(result.stdout)


def signals_panel_in_a_new_process(receivers="", **config):
    """Send one request through the signals panel, in a new Python process.

    Returns the panel's stats, and what template_rendered was sent for when
    each engine rendered a template afterwards. receivers is code to run
    before the request, to connect more receivers.
    """
    return run_in_a_new_process(
        SIGNALS_PANEL, str(SNIPPETS_DIR), json.dumps(config), receivers
    )


SAME_NAME_FOR_USERS = """
from django.contrib.auth.models import User
from django.db.models.signals import post_save


def log_ticket_saved(sender, **kwargs):  # the same name, another sender
    pass


post_save.connect(log_ticket_saved, sender=User)
"""


@skipUnless(HAS_DEBUG_TOOLBAR, "django-debug-toolbar is not installed")
class SignalsPanelTests(TestCase):
    """What the Debug Toolbar's signals panel reports."""

    @classmethod
    def setUpClass(cls):
        # Before super(): if it fails, no class-wide transaction is left open.
        cls.result = signals_panel_in_a_new_process()
        super().setUpClass()

    def test_it_lists_the_receivers_of_each_signal_by_name(self):
        signals = dict(self.result["stats"]["signals"])

        # Listed although the request saved and deleted nothing: the panel
        # lists what is connected, not what ran.
        self.assertIn("log_ticket_saved", signals["post_save"])
        self.assertIn("log_ticket_deleted", signals["post_delete"])
        self.assertNotIn("log_ticket_saved", signals["pre_save"])

    def test_it_records_names_only_with_no_sender_and_no_timing(self):
        stats = signals_panel_in_a_new_process(SAME_NAME_FOR_USERS)["stats"]

        self.assertEqual(list(stats), ["signals"])  # no timings, no calls
        post_save_names = dict(stats["signals"])["post_save"]
        self.assertEqual(post_save_names.count("log_ticket_saved"), 2)
        self.assertTrue(all(isinstance(name, str) for name in post_save_names))

    def test_other_signals_need_extra_signals(self):
        signals = dict(self.result["stats"]["signals"])
        self.assertEqual(len(signals), 15)
        self.assertNotIn("user_logged_in", signals)

        stats = signals_panel_in_a_new_process(
            EXTRA_SIGNALS=["django.contrib.auth.signals.user_logged_in"]
        )["stats"]

        self.assertIn("update_last_login", dict(stats["signals"])["user_logged_in"])

    def test_with_the_signals_panel_only_templates_are_left_alone(self):
        self.assertEqual(self.result["template_rendered"], [])

    def test_this_process_never_installs_the_toolbar(self):
        # Importing debug_toolbar.apps registers the toolbar's system checks
        # for good, and they fail wherever its app is not installed.
        self.assertFalse(apps.is_installed("debug_toolbar"))
        self.assertNotIn("debug_toolbar.apps", sys.modules)


RENDER_BOTH = """
import json, sys
import django
from django.conf import settings

jinja2_dir, template_name, *installed_apps = sys.argv[1:]
settings.configure(
    INSTALLED_APPS=installed_apps,
    STATIC_URL="static/",
    TEMPLATES=[
        {"BACKEND": "django.template.backends.jinja2.Jinja2", "DIRS": [jinja2_dir]},
        {"BACKEND": "django.template.backends.django.DjangoTemplates"},
    ],
)
django.setup()
from django.template import engines
from django.test.signals import template_rendered

sent = []

def record(sender, template, **kwargs):
    sent.append([type(sender).__module__, template.name])

template_rendered.connect(record)
jinja2_template = engines["jinja2"].get_template(template_name)
jinja2_template.render({"tickets": []})
engines["django"].from_string("Hello").render({})

from django.test import SimpleTestCase

try:
    with SimpleTestCase().assertTemplateUsed(template_name):
        jinja2_template.render({"tickets": []})
    template_used = True
except AssertionError:
    template_used = False
print(json.dumps({"sent": sent[:2], "assertTemplateUsed passes": template_used}))
"""


def templates_rendered_in_a_new_process(*installed_apps):
    """Render a Jinja2 and a Django template in a new Python process.

    Returns what template_rendered was sent for, as [module, name] pairs,
    and whether assertTemplateUsed() passes for the Jinja2 template.
    """
    return run_in_a_new_process(RENDER_BOTH, str(JINJA2_DIR), TEMPLATE, *installed_apps)


@skipUnless(HAS_JINJA2, "Jinja2 is not installed")
@override_settings(ROOT_URLCONF="admin_signals.tests")
class Jinja2Tests(TestCase):
    """Jinja2 sends no template_rendered, so assertTemplateUsed cannot work."""

    @classmethod
    def setUpTestData(cls):
        Ticket.objects.create(title="Printer")

    def get_open_tickets(self):
        return self.client.get(reverse("admin_signals:open_tickets"))

    @override_settings(TEMPLATES=[DJANGO])
    def test_with_django_templates_assert_template_used_works(self):
        with recording(template_rendered) as sends:
            response = self.get_open_tickets()

        self.assertContains(response, 'data-engine="django"')
        self.assertContains(response, "1. Printer")
        self.assertTemplateUsed(response, TEMPLATE)
        self.assertEqual(len(sends), 1)

    @override_settings(TEMPLATES=[JINJA2, DJANGO])
    def test_with_jinja2_no_template_rendered_is_sent(self):
        with recording(template_rendered) as sends:
            response = self.get_open_tickets()
            render_to_string(TEMPLATE, {"tickets": []})

        self.assertContains(response, 'data-engine="jinja2"')
        self.assertContains(response, "1. Printer")
        self.assertEqual(sends, [])
        self.assertEqual(response.templates, [])
        self.assertIsNone(response.context)

    @override_settings(TEMPLATES=[JINJA2, DJANGO])
    def test_with_jinja2_assert_template_used_fails(self):
        response = self.get_open_tickets()

        with self.assertRaisesMessage(
            AssertionError, "No templates used to render the response"
        ):
            self.assertTemplateUsed(response, TEMPLATE)
        # Worse: the negative assertion passes for the template that was used.
        self.assertTemplateNotUsed(response, TEMPLATE)
        # As a context manager, around any render, it fails as well.
        with self.assertRaises(AssertionError):  # noqa: SIM117
            with self.assertTemplateUsed(TEMPLATE):
                render_to_string(TEMPLATE, {"tickets": []})

    @skipUnless(HAS_DEBUG_TOOLBAR, "django-debug-toolbar is not installed")
    def test_once_the_debug_toolbar_is_installed_both_engines_send_it(self):
        # In a new process, outside any test: the patches the toolbar makes
        # would stay in this one for good.
        self.assertEqual(
            templates_rendered_in_a_new_process(),
            {"sent": [], "assertTemplateUsed passes": False},
        )
        self.assertEqual(
            templates_rendered_in_a_new_process("debug_toolbar"),
            {
                "sent": [
                    ["django.template.backends.jinja2", TEMPLATE],
                    ["django.template.base", None],  # a template from a string
                ],
                "assertTemplateUsed passes": True,
            },
        )

    @override_settings(TEMPLATES=[JINJA2, DJANGO])
    def test_a_template_response_keeps_its_name_and_context(self):
        response = self.get_open_tickets()

        self.assertEqual(response.template_name, TEMPLATE)
        self.assertQuerySetEqual(
            response.context_data["tickets"], ["Printer"], transform=str
        )
