from django.db import models


class Purchase(models.Model):
    number = models.CharField(max_length=20, unique=True)
    email = models.EmailField()
    total = models.DecimalField(max_digits=10, decimal_places=2)
    # Set by the send_receipt task; empty until a receipt has gone out.
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Purchase {self.number}"


class AuditEntry(models.Model):
    """A line in the purchase history. It is written in the same transaction
    as the purchase, so the two are committed or rolled back together."""

    purchase_number = models.CharField(max_length=20)
    action = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.purchase_number} {self.action}"
