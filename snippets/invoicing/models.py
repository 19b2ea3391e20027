from decimal import Decimal

from django.db import models


class Invoice(models.Model):
    number = models.CharField(max_length=20, unique=True)
    billing_email = models.EmailField()
    net = models.DecimalField(max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.200")
    )
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    def __str__(self):
        return f"Invoice {self.number}"

    def compute_total(self):
        """Net plus VAT, rounded to the cent: a business rule, so it lives
        here and callers ask for it, rather than in a signal receiver."""
        return (self.net * (1 + self.vat_rate)).quantize(Decimal("0.01"))
