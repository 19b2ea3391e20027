from django.conf import settings
from django.db import models


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        COMPLETED = "completed"

    # The payment provider's id for the payment; its webhooks quote it.
    reference = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=9, choices=Status, default=Status.PENDING)
    completed_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.reference


class Credit(models.Model):
    """Money put on a user's account for one completed payment."""

    # One-to-one: the database itself refuses a second credit for a payment.
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="credit"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credits"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.amount} for {self.payment}"
