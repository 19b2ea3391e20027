"""The admin's history: what a LogEntry receiver misses, what the mixin sees."""

import warnings
from unittest import mock, skipUnless

import django
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import transaction
from django.db.models.signals import post_save
from django.test import RequestFactory, override_settings
from django.urls import reverse

from ..admin import HistoryLoggingMixin, TicketAdmin
from ..debugging import recording
from ..models import Ticket
from .helpers import HISTORY_LOG, OPEN, AdminTestCase, old_hook_site


@override_settings(ROOT_URLCONF="admin_signals.tests.helpers")
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


@override_settings(ROOT_URLCONF="admin_signals.tests.helpers")
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
