from django.conf import settings
from django.db import models


class PointsAward(models.Model):
    """Loyalty points a customer earned with one order."""

    # One award per order: a second delivery of the signal changes nothing.
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="points_award"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="points_awards",
    )
    points = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.points} points for order {self.order_id}"
