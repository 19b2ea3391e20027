from datetime import UTC, datetime
from decimal import Decimal
from smtplib import SMTPException
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import path

from .models import Credit, Payment
from .services import complete_payment
from .signals import credit_account, email_receipt, payment_completed

User = get_user_model()


class Boom(Exception):
    pass


def credit_again(sender, payment, **kwargs):
    """A buggy receiver: credit_account already credited this payment."""
    Credit.objects.create(payment=payment, user=payment.user, amount=1)


def boom(sender, **kwargs):
    raise Boom("receiver failed")


def report_payment(request, reference):
    """Stands in for the provider's webhook view (minus its signature check)."""
    complete_payment(reference)
    return HttpResponse(status=204)


# The ATOMIC_REQUESTS test serves its own URL: ROOT_URLCONF points here.
urlpatterns = [path("payments/<str:reference>/report/", report_payment)]


class CompletePaymentTests(TestCase):
    def setUp(self):
        self.ada = User.objects.create_user("ada", email="ada@example.com")
        self.payment = Payment.objects.create(
            reference="pay_123", user=self.ada, amount=Decimal("25.00")
        )

    def report(self):
        """One report from the provider, committed, with its on_commit work."""
        with self.captureOnCommitCallbacks(execute=True):
            return complete_payment("pay_123")

    def receipts(self):
        return [m for m in mail.outbox if m.subject == "Receipt for payment pay_123"]

    def test_a_report_completes_credits_and_sends_a_receipt(self):
        payment = self.report()

        self.assertEqual(payment.status, Payment.Status.COMPLETED)
        self.assertEqual(Credit.objects.get(payment=payment).amount, Decimal("25.00"))
        self.assertEqual([m.to for m in self.receipts()], [["ada@example.com"]])

    def test_receivers_hear_nothing_until_the_transaction_commits(self):
        with self.captureOnCommitCallbacks() as callbacks:
            complete_payment("pay_123")
            self.assertFalse(Credit.objects.exists())

        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertTrue(Credit.objects.filter(payment=self.payment).exists())

    def test_a_rolled_back_completion_is_never_announced(self):
        heard = []

        def spy(sender, payment, **kwargs):
            heard.append(payment.reference)

        payment_completed.connect(spy, sender=Payment)
        self.addCleanup(payment_completed.disconnect, spy, sender=Payment)

        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(Boom),
            transaction.atomic(),
        ):
            complete_payment("pay_123")
            raise Boom  # something later in the same transaction fails

        self.assertEqual(heard, [])
        self.assertFalse(Credit.objects.exists())
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, Payment.Status.PENDING)

    def test_reporting_twice_credits_once_and_sends_one_receipt(self):
        self.report()
        self.report()

        self.assertEqual(Credit.objects.filter(user=self.ada).count(), 1)
        self.assertEqual(len(self.receipts()), 1)

    def test_a_later_report_keeps_the_first_completion_time(self):
        first, retry = (
            datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
            datetime(2026, 1, 1, 12, 5, tzinfo=UTC),
        )
        with mock.patch("django.utils.timezone.now", return_value=first):
            self.report()
        with mock.patch("django.utils.timezone.now", return_value=retry):
            self.report()  # the provider's webhook retry

        self.payment.refresh_from_db()
        self.assertEqual(self.payment.completed_at, first)

    def test_the_database_refuses_a_second_credit(self):
        Credit.objects.create(payment=self.payment, user=self.ada, amount=1)

        with self.assertRaises(IntegrityError), transaction.atomic():
            Credit.objects.create(payment=self.payment, user=self.ada, amount=1)

    def test_a_failing_receiver_does_not_stop_the_credit(self):
        down = SMTPException("mail server down")
        with (
            mock.patch("payments.signals.send_mail", side_effect=down),
            self.assertLogs("payments.services", "ERROR"),  # and not on stderr
        ):
            self.report()

        # email_receipt ran first, raised, and credit_account still ran.
        self.assertTrue(Credit.objects.filter(payment=self.payment).exists())
        self.payment.refresh_from_db()
        self.assertIsNone(self.payment.receipt_sent_at)  # the claim rolled back

    def test_the_failure_is_logged_by_django_and_with_the_reference(self):
        down = SMTPException("mail server down")
        with (
            mock.patch("payments.signals.send_mail", side_effect=down),
            self.assertLogs("django.dispatch", "ERROR") as django_logs,
            self.assertLogs("payments.services", "ERROR") as our_logs,
        ):
            self.report()

        self.assertIn("email_receipt", django_logs.output[0])
        self.assertIn("mail server down", django_logs.output[0])
        self.assertIs(django_logs.records[0].exc_info[1], down)  # the traceback
        self.assertEqual(
            our_logs.output,
            [
                "ERROR:payments.services:payment_completed receiver email_receipt "
                "failed for payment pay_123: SMTPException('mail server down')"
            ],
        )

    def test_send_robust_returns_the_exception_in_place_of_a_result(self):
        down = SMTPException("mail server down")
        with mock.patch("payments.signals.send_mail", side_effect=down):
            results = payment_completed.send_robust(
                sender=Payment, payment=self.payment
            )

        receivers = [receiver for receiver, _ in results]
        self.assertLess(receivers.index(email_receipt), receivers.index(credit_account))
        self.assertIs(dict(results)[email_receipt], down)
        self.assertIsNone(dict(results)[credit_account])

    def test_plain_send_would_stop_at_the_failing_receiver(self):
        down = SMTPException("mail server down")
        with (
            mock.patch("payments.signals.send_mail", side_effect=down),
            self.assertRaises(SMTPException),
        ):
            payment_completed.send(sender=Payment, payment=self.payment)

        self.assertFalse(Credit.objects.exists())

    def test_the_next_report_retries_the_failed_receipt(self):
        down = SMTPException("mail server down")
        with (
            mock.patch("payments.signals.send_mail", side_effect=down),
            self.assertLogs("payments.services", "ERROR"),
        ):
            self.report()
        self.report()

        self.assertEqual(len(self.receipts()), 1)
        self.assertEqual(Credit.objects.filter(user=self.ada).count(), 1)

    def test_each_effect_is_logged(self):
        with self.assertLogs("payments.signals", "INFO") as logs:
            self.report()

        self.assertEqual(
            logs.output,
            [
                "INFO:payments.signals:Sent the receipt for payment pay_123",
                "INFO:payments.signals:Credited 25.00 for payment pay_123",
            ],
        )


@override_settings(ROOT_URLCONF=__name__)
class ReceiversCannotUndoThePaymentTests(TransactionTestCase):
    """Two receivers fail, one with a database error, inside a transaction.

    A TransactionTestCase: transactions really commit or roll back, and the
    on_commit() callback really runs after the commit.
    """

    def setUp(self):
        self.ada = User.objects.create_user("ada", email="ada@example.com")
        self.payment = Payment.objects.create(
            reference="pay_123", user=self.ada, amount=Decimal("25.00")
        )
        # Connected after email_receipt and credit_account, so both run first.
        for receiver in (credit_again, boom):
            payment_completed.connect(receiver, sender=Payment)
            self.addCleanup(payment_completed.disconnect, receiver, sender=Payment)

    def assertPaidCreditedAndReceipted(self, logs, our_logs):
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, Payment.Status.COMPLETED)
        self.assertIsNotNone(self.payment.receipt_sent_at)
        self.assertEqual(Credit.objects.get(payment=self.payment).amount, 25)
        self.assertEqual(
            [type(record.exc_info[1]) for record in logs.records],
            [IntegrityError, Boom],
        )
        self.assertEqual(len(our_logs.records), 2)  # each with the reference

    def test_inside_atomic(self):
        with (
            self.assertLogs("django.dispatch", "ERROR") as logs,
            self.assertLogs("payments.services", "ERROR") as our_logs,
            transaction.atomic(),
        ):
            complete_payment("pay_123")

        self.assertPaidCreditedAndReceipted(logs, our_logs)

    def test_under_atomic_requests(self):
        with (
            mock.patch.dict(connection.settings_dict, ATOMIC_REQUESTS=True),
            self.assertLogs("django.dispatch", "ERROR") as logs,
            self.assertLogs("payments.services", "ERROR") as our_logs,
        ):
            response = self.client.post("/payments/pay_123/report/")

        self.assertEqual(response.status_code, 204)
        self.assertPaidCreditedAndReceipted(logs, our_logs)
