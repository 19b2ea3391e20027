"""Admin actions: "Delete selected" skips Model.delete(), update() sends nothing."""

from unittest import mock

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.test import RequestFactory, override_settings
from django.urls import reverse

from ..debugging import recording
from ..models import Ticket
from .helpers import CLOSED, OPEN, RECEIVERS_LOG, AdminTestCase, User


@override_settings(ROOT_URLCONF="admin_signals.tests.helpers")
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


@override_settings(ROOT_URLCONF="admin_signals.tests.helpers")
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
