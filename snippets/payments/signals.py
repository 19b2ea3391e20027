import logging

from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import Signal, receiver
from django.utils import timezone

from .models import Credit, Payment

logger = logging.getLogger(__name__)

# Sent by payments.services.complete_payment(), only after the transaction
# that completed the payment has committed, and again every time the
# provider reports the same payment: receivers must be idempotent.
#
#   sender   the Payment class: connect with sender=Payment.
#   payment  the completed Payment.
payment_completed = Signal()


@receiver(payment_completed, sender=Payment, dispatch_uid="payments.email_receipt")
def email_receipt(sender, payment, **kwargs):
    """Email the payer a receipt, once.

    The UPDATE claims the receipt: only one report can turn receipt_sent_at
    from NULL into a time. The claim commits only if the mail went out, so
    when the mail server fails, the next report of the payment tries again.
    """
    with transaction.atomic():
        claimed = Payment.objects.filter(pk=payment.pk, receipt_sent_at=None).update(
            receipt_sent_at=timezone.now()
        )
        if claimed:
            send_mail(
                subject=f"Receipt for payment {payment.reference}",
                message=f"We received your payment of {payment.amount}.",
                from_email=None,
                recipient_list=[payment.user.email],
            )
            logger.info("Sent the receipt for payment %s", payment.reference)


@receiver(payment_completed, sender=Payment, dispatch_uid="payments.credit_account")
def credit_account(sender, payment, **kwargs):
    """Credit the payer once per payment, however often it is reported."""
    credit, created = Credit.objects.get_or_create(
        payment=payment,
        defaults={"user_id": payment.user_id, "amount": payment.amount},
    )
    if created:
        logger.info("Credited %s for payment %s", credit.amount, payment.reference)
