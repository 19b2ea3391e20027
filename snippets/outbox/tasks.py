import logging

from django.core.mail import send_mail
from django.utils import timezone

try:  # Django 6.0 and later: the tasks framework is built in.
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport, same API.
    from django_tasks import task

from .models import Order

logger = logging.getLogger(__name__)


@task()
def send_confirmation(order_id):
    """Email the order confirmation, unless an earlier run has sent it.

    The same order can reach this task twice: a run that sent the email and
    died before the worker recorded it is queued again by whoever recovers
    it. So the task checks first, and marks the order once the email is out.
    """
    order = Order.objects.filter(pk=order_id, confirmation_sent_at=None).first()
    if order is None:
        return False  # Sent already, or the order is gone.
    send_mail(
        subject=f"Order {order.number} confirmed",
        message="Thank you for your order.",
        from_email=None,  # settings.DEFAULT_FROM_EMAIL
        recipient_list=[order.email],
    )
    Order.objects.filter(pk=order_id).update(confirmation_sent_at=timezone.now())
    logger.info("Sent the confirmation for order %s", order.number)
    return True
