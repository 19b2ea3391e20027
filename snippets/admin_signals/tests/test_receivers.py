"""The app's receivers log a ticket's changes after the commit, and only then."""

from django.db import transaction
from django.test import TestCase

from ..models import Ticket
from .helpers import RECEIVERS_LOG


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
