import logging

from django.dispatch import receiver
from orders.models import Order
from orders.signals import order_completed

from .models import PointsAward

logger = logging.getLogger(__name__)


@receiver(order_completed, sender=Order, dispatch_uid="loyalty.award_points")
def award_points(sender, order, **kwargs):
    """Give the customer one point per whole unit the order cost."""
    award, created = PointsAward.objects.get_or_create(
        order=order,
        defaults={"customer_id": order.customer_id, "points": int(order.total)},
    )
    if created:
        logger.info("Awarded %s points for order %s", award.points, order.pk)
