import importlib
import logging
import sys
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase

from . import antipatterns
from .models import Invoice
from .services import TOTALS_CACHE_KEY, create_invoice, invoiced_total

User = get_user_model()


@contextmanager
def connected(signal, receiver, sender=Invoice):
    """Connect a receiver for one test only."""
    signal.connect(receiver, sender=sender)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)


def new_invoice(number="INV-1", net="100.00"):
    return create_invoice(
        number=number, billing_email="billing@example.com", net=Decimal(net)
    )


def invoice_subjects():
    return [m.subject for m in mail.outbox if m.subject.startswith("Invoice ")]


class Declined(Exception):
    pass


class BusinessLogicTests(TestCase):
    """Side effects only: a rule in a receiver is skipped by bulk operations."""

    def test_the_service_applies_the_rule_where_the_caller_sees_it(self):
        self.assertEqual(new_invoice().total, Decimal("120.00"))

    def test_a_rule_in_a_receiver_seems_to_work_for_create(self):
        with connected(pre_save, antipatterns.fill_total):
            Invoice.objects.create(number="A-1", billing_email="a@example.com", net=100)

        self.assertEqual(Invoice.objects.get().total, Decimal("120.00"))

    def test_bulk_create_skips_the_rule_in_the_receiver(self):
        with connected(pre_save, antipatterns.fill_total):
            Invoice.objects.bulk_create(
                [Invoice(number="A-2", billing_email="a@example.com", net=100)]
            )

        self.assertEqual(Invoice.objects.get().total, Decimal("0.00"))

    def test_bulk_create_and_update_send_no_save_signals(self):
        heard = []

        def record(sender, signal, **kwargs):
            heard.append(signal)

        with connected(pre_save, record), connected(post_save, record):
            Invoice.objects.bulk_create(
                [Invoice(number="A-4", billing_email="a@example.com", net=100)]
            )
            Invoice.objects.update(net=200)

        self.assertEqual(heard, [])

    def test_update_skips_the_rule_in_the_receiver(self):
        with connected(pre_save, antipatterns.fill_total):
            Invoice.objects.create(number="A-3", billing_email="a@example.com", net=100)
            Invoice.objects.update(net=200)

        self.assertEqual(Invoice.objects.get().total, Decimal("120.00"))  # stale


class OnCommitTests(TestCase):
    """Light receivers: the work that leaves the database waits for COMMIT."""

    def create_then_roll_back(self):
        with self.assertRaises(Declined), transaction.atomic():
            new_invoice()
            raise Declined

    def test_the_email_is_sent_once_the_invoice_is_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            new_invoice()

        self.assertEqual(invoice_subjects(), ["Invoice INV-1"])
        self.assertEqual(mail.outbox[-1].to, ["billing@example.com"])

    def test_the_receiver_itself_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            new_invoice()

        self.assertEqual(invoice_subjects(), [])
        self.assertTrue(callbacks)

    def test_saving_the_invoice_again_sends_no_second_email(self):
        with self.captureOnCommitCallbacks(execute=True):
            invoice = new_invoice()
        with self.captureOnCommitCallbacks(execute=True):
            invoice.billing_email = "accounts@example.com"
            invoice.save()

        self.assertEqual(invoice_subjects(), ["Invoice INV-1"])

    def test_a_rollback_drops_the_queued_email(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.create_then_roll_back()

        self.assertFalse(Invoice.objects.exists())
        self.assertEqual(invoice_subjects(), [])

    def test_no_email_for_an_invoice_deleted_before_the_callback_ran(self):
        with self.captureOnCommitCallbacks() as callbacks:
            new_invoice().delete()
        for callback in callbacks:
            callback()

        self.assertEqual(invoice_subjects(), [])

    def test_an_inline_email_is_sent_for_an_invoice_that_never_existed(self):
        with connected(post_save, antipatterns.email_invoice_now):
            self.create_then_roll_back()

        self.assertFalse(Invoice.objects.exists())
        self.assertEqual(invoice_subjects(), ["Invoice INV-1"])

    def test_loaddata_sends_no_email(self):
        # raw=True: loaddata restores rows that were invoiced long ago.
        invoice = Invoice(number="OLD-1", billing_email="b@example.com", net=1)
        with self.captureOnCommitCallbacks(execute=True):
            post_save.send(
                sender=Invoice,
                instance=invoice,
                created=True,
                raw=True,
                using="default",
                update_fields=None,
            )

        self.assertEqual(invoice_subjects(), [])


class ErrorHandlingTests(TestCase):
    def setUp(self):
        cache.delete(TOTALS_CACHE_KEY)

    def test_an_exception_in_a_receiver_escapes_save(self):
        with (
            connected(post_save, antipatterns.crash),
            self.assertRaisesMessage(RuntimeError, "bug in a receiver"),
        ):
            new_invoice()

    def test_and_rolls_back_the_callers_atomic_block(self):
        with (
            connected(post_save, antipatterns.crash),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            User.objects.create_user("grace")
            new_invoice()

        self.assertFalse(User.objects.filter(username="grace").exists())
        self.assertFalse(Invoice.objects.exists())

    def test_a_saved_invoice_clears_the_cached_total(self):
        new_invoice("INV-1", "100.00")
        self.assertEqual(invoiced_total(), Decimal("120.00"))

        with self.captureOnCommitCallbacks(execute=True):
            new_invoice("INV-2", "50.00")

        self.assertEqual(invoiced_total(), Decimal("180.00"))

    def test_a_deleted_invoice_clears_the_cached_total(self):
        new_invoice("INV-1", "100.00")
        self.assertEqual(invoiced_total(), Decimal("120.00"))

        with self.captureOnCommitCallbacks(execute=True):
            Invoice.objects.get().delete()

        self.assertEqual(invoiced_total(), 0)

    def test_a_total_the_receiver_missed_is_stale_for_five_minutes_at_most(self):
        new_invoice("INV-1", "100.00")
        with mock.patch("time.time", return_value=1_000_000) as clock:
            self.assertEqual(invoiced_total(), Decimal("120.00"))
            Invoice.objects.update(total=Decimal("60.00"))  # sends no signal

            clock.return_value += 299
            self.assertEqual(invoiced_total(), Decimal("120.00"))  # stale
            clock.return_value += 1
            self.assertEqual(invoiced_total(), Decimal("60.00"))  # expired

    def test_a_cache_outage_is_logged_and_the_invoice_is_kept(self):
        with (
            mock.patch.object(cache, "delete", side_effect=ConnectionError("down")),
            self.assertLogs("invoicing.signals", "ERROR") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            new_invoice()

        self.assertTrue(Invoice.objects.exists())
        [record] = logs.records
        self.assertEqual(
            record.getMessage(), "Could not clear the cached invoiced total"
        )
        self.assertIsInstance(record.exc_info[1], ConnectionError)


class ReadyTests(TestCase):
    def test_a_receivers_module_nothing_imports_is_never_connected(self):
        with self.assertNoLogs("invoicing.handlers"):
            new_invoice("INV-1")

        sys.modules.pop("invoicing.handlers", None)
        importlib.import_module("invoicing.handlers")  # what ready() would do
        try:
            with self.assertLogs("invoicing.handlers", "INFO") as logs:
                new_invoice("INV-2")
        finally:
            post_save.disconnect(
                sender=Invoice, dispatch_uid="invoicing.log_new_invoice"
            )

        self.assertEqual(logs.output, ["INFO:invoicing.handlers:Invoice INV-2 created"])


class LoggingTests(TestCase):
    def test_the_receiver_logs_to_its_module_logger_without_the_address(self):
        with self.assertLogs("invoicing.signals", "INFO") as logs:
            new_invoice()

        [record] = [r for r in logs.records if r.funcName == "queue_invoice_email"]
        self.assertEqual(record.name, "invoicing.signals")
        self.assertEqual(record.getMessage(), "Queued the email for invoice INV-1")
        self.assertNotIn("billing@example.com", "\n".join(logs.output))

    def test_the_message_is_formatted_only_when_a_handler_needs_it(self):
        # The receiver passes the number as an argument, not an f-string.
        with self.assertLogs("invoicing.signals", "INFO") as logs:
            new_invoice()

        record = logs.records[0]
        self.assertEqual(
            (record.msg, record.args), ("Queued the email for invoice %s", ("INV-1",))
        )

    def test_a_disabled_level_never_formats_its_arguments(self):
        formatted = []

        class Total:
            def __str__(self):
                formatted.append(True)
                return "120.00"

        logger = logging.getLogger("invoicing.signals")
        old_level = logger.level
        logger.setLevel(logging.INFO)
        try:
            logger.debug("Total %s", Total())
            self.assertEqual(formatted, [])
            _ = f"Total {Total()}"
            self.assertEqual(formatted, [True])
        finally:
            logger.setLevel(old_level)


class DispatchUidTests(SimpleTestCase):
    @staticmethod
    def import_receiver(calls):
        """Each call stands for one import of a receivers module: it makes a
        new function object, with a new id()."""

        def count(sender, **kwargs):
            calls.append(sender)

        return count

    def test_without_dispatch_uid_a_second_import_connects_a_second_receiver(self):
        signal, calls = Signal(), []
        first, second = self.import_receiver(calls), self.import_receiver(calls)
        signal.connect(first)
        signal.connect(second)

        signal.send(sender=None)

        self.assertEqual(len(calls), 2)

    def test_with_dispatch_uid_the_second_connection_is_ignored(self):
        signal, calls = Signal(), []
        first, second = self.import_receiver(calls), self.import_receiver(calls)
        signal.connect(first, dispatch_uid="invoicing.count")
        signal.connect(second, dispatch_uid="invoicing.count")

        signal.send(sender=None)

        self.assertEqual(len(calls), 1)
