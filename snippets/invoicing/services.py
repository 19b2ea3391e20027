from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Sum

from .models import Invoice

TOTALS_CACHE_KEY = "invoicing:invoiced-total"


# --8<-- [start:create_invoice]
def create_invoice(*, number, billing_email, net):
    """Create an invoice with its total. The rule is applied here, in plain
    sight of every caller, not in a receiver that bulk_create() skips."""
    invoice = Invoice(number=number, billing_email=billing_email, net=net)
    invoice.total = invoice.compute_total()
    invoice.save()
    return invoice


# --8<-- [end:create_invoice]


# --8<-- [start:invoiced_total]
def invoiced_total():
    """The sum of every invoice's total, cached for the reports page."""
    return cache.get_or_set(TOTALS_CACHE_KEY, _sum_totals, timeout=300)


def _sum_totals():
    return Invoice.objects.aggregate(total=Sum("total"))["total"] or 0


# --8<-- [end:invoiced_total]


# --8<-- [start:email_invoice]
def email_invoice(invoice_id):
    """Send an invoice to its billing address.

    Called after the transaction that created the invoice has committed,
    so it reads the invoice again instead of trusting an old instance.
    """
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        return  # Deleted in the meantime: nothing to send.
    send_mail(
        subject=f"Invoice {invoice.number}",
        message=f"Total due: {invoice.total}",
        from_email=None,  # settings.DEFAULT_FROM_EMAIL
        recipient_list=[invoice.billing_email],
    )


# --8<-- [end:email_invoice]
