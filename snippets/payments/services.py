import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Payment
from .signals import payment_completed

logger = logging.getLogger(__name__)


def complete_payment(reference):
    """Mark a payment completed, and announce it once that has committed.

    Providers report a payment more than once (webhook retries). Every
    report announces it again: receivers that already did their work skip
    it, and one that failed last time gets another chance.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(reference=reference)
        if payment.status != Payment.Status.COMPLETED:
            payment.status = Payment.Status.COMPLETED
            payment.completed_at = timezone.now()
            payment.save(update_fields=["status", "completed_at"])
        # After commit: no receiver ever sees a payment that rolls back.
        transaction.on_commit(partial(announce_payment_completed, payment))
    return payment


def announce_payment_completed(payment):
    """Send payment_completed to every receiver, even if some of them fail."""
    # send_robust() catches each receiver's exception, logs it to the
    # "django.dispatch" logger and returns it in place of a result.
    results = payment_completed.send_robust(sender=Payment, payment=payment)
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error(
                "payment_completed receiver %s failed for payment %s: %r",
                receiver.__qualname__,
                payment.reference,
                result,
            )
    return results
