import logging

from django.core.mail import send_mail
from django.utils import timezone

# --8<-- [start:import]
try:  # Django 6.0 and later: the tasks framework is built in.
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport, same API.
    from django_tasks import task
# --8<-- [end:import]

from .models import Purchase

logger = logging.getLogger(__name__)


# --8<-- [start:send_receipt]
@task()
def send_receipt(purchase_id):
    """Email the receipt for a purchase, unless it has been sent already.

    It takes the primary key, not the Purchase: task arguments must be JSON,
    and the worker should read the row as it is now, not as it was when the
    task was queued. A purchase deleted meanwhile gets no receipt.
    """
    purchase = Purchase.objects.filter(pk=purchase_id, receipt_sent_at=None).first()
    if purchase is None:
        return False  # Deleted, or sent by an earlier run of this task.
    send_mail(
        subject=f"Receipt for {purchase.number}",
        message=f"Total paid: {purchase.total}",
        from_email=None,  # settings.DEFAULT_FROM_EMAIL
        recipient_list=[purchase.email],
    )
    Purchase.objects.filter(pk=purchase_id).update(receipt_sent_at=timezone.now())
    logger.info("Sent the receipt for purchase %s", purchase.number)
    return True


# --8<-- [end:send_receipt]
