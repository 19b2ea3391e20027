"""Mail sent in a receiver survives a rollback; on_commit() waits for the commit."""

from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save
from django.test import TestCase

from .. import broken
from ..models import Invoice
from .helpers import Rollback, connected


def subjects_to(address):
    """Subjects of the test mail sent to one address (other apps send mail too)."""
    return [m.subject for m in mail.outbox if address in m.to]


# --8<-- [start:before_commit]
class SideEffectsBeforeCommitTests(TestCase):
    def create_invoice_and_roll_back(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    Invoice.objects.create(customer_email="ada@example.com")
                    raise Rollback  # say a later step of the checkout failed
            except Rollback:
                pass
        self.assertFalse(Invoice.objects.exists())
        return callbacks

    def test_mail_sent_in_the_receiver_survives_the_rollback(self):
        with connected(post_save, broken.email_new_invoice_now, Invoice):
            self.create_invoice_and_roll_back()

        self.assertEqual(len(subjects_to("ada@example.com")), 1)  # for no invoice

    def test_on_commit_drops_the_mail_with_the_rollback(self):
        callbacks = self.create_invoice_and_roll_back()

        self.assertEqual(callbacks, [])
        self.assertEqual(subjects_to("ada@example.com"), [])

    def test_on_commit_sends_it_once_committed(self):
        with (
            self.assertLogs("pitfalls.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            invoice = Invoice.objects.create(customer_email="ada@example.com")
            self.assertEqual(subjects_to("ada@example.com"), [])  # not yet

        self.assertEqual(subjects_to("ada@example.com"), [f"Invoice {invoice.number}"])
        self.assertEqual(
            logs.output, [f"INFO:pitfalls.signals:Emailed invoice {invoice.number}"]
        )


# --8<-- [end:before_commit]
