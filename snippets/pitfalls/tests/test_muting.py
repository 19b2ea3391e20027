"""Muting a whole signal in a test hides a bug; muting one receiver does not."""

from django.db.models.signals import post_save
from django.test import TestCase
from factory.django import mute_signals

from ..models import Invoice
from ..signals import email_new_invoice


# --8<-- [start:muting]
def crash(sender, **kwargs):
    """A receiver with a bug, standing for one in any app of the project."""
    raise RuntimeError("bug in a receiver")


class MutingInTestsTests(TestCase):
    def setUp(self):
        post_save.connect(crash, sender=Invoice, dispatch_uid="pitfalls.crash")
        self.addCleanup(
            post_save.disconnect, sender=Invoice, dispatch_uid="pitfalls.crash"
        )

    def test_muting_a_whole_signal_hides_the_bug(self):
        with mute_signals(post_save):
            invoice = Invoice.objects.create(customer_email="ada@example.com")

        # Green, yet production crashes; and invoices here get no number.
        self.assertEqual(invoice.number, "")

    def test_muting_one_receiver_lets_the_bug_show(self):
        # disconnect() says whether it found the receiver: a test that mutes
        # nothing would prove nothing.
        self.assertTrue(
            post_save.disconnect(
                sender=Invoice, dispatch_uid="pitfalls.email_new_invoice"
            )
        )
        self.addCleanup(
            post_save.connect,
            email_new_invoice,
            sender=Invoice,
            dispatch_uid="pitfalls.email_new_invoice",
        )

        with self.assertRaisesMessage(RuntimeError, "bug in a receiver"):
            Invoice.objects.create(customer_email="ada@example.com")


class MutingOneReceiverTests(TestCase):
    def test_muting_only_the_email_keeps_the_number(self):
        # disconnect() says whether it found the receiver: a test that mutes
        # nothing would prove nothing.
        self.assertTrue(
            post_save.disconnect(
                sender=Invoice, dispatch_uid="pitfalls.email_new_invoice"
            )
        )
        self.addCleanup(
            post_save.connect,
            email_new_invoice,
            sender=Invoice,
            dispatch_uid="pitfalls.email_new_invoice",
        )

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            invoice = Invoice.objects.create(customer_email="ada@example.com")

        self.assertEqual(invoice.number, f"INV-{invoice.pk:05d}")
        self.assertEqual(callbacks, [])


# --8<-- [end:muting]
