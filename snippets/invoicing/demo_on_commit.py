from decimal import Decimal

from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save

from invoicing.antipatterns import email_invoice_now
from invoicing.models import Invoice
from invoicing.services import create_invoice


def invoice_and_roll_back(number):
    try:
        with transaction.atomic():
            create_invoice(number=number, billing_email="b@example.com", net=Decimal(9))
            raise RuntimeError("payment declined")
    except RuntimeError:
        pass


def invoice_emails():
    return [m.subject for m in mail.outbox if m.subject.startswith("Invoice ")]


invoice_and_roll_back("INV-1")  # the app's receiver: email queued with on_commit
print(Invoice.objects.count(), invoice_emails())
#> 0 []

post_save.connect(email_invoice_now, sender=Invoice)  # email sent inline
try:
    invoice_and_roll_back("INV-2")
finally:
    post_save.disconnect(email_invoice_now, sender=Invoice)
print(Invoice.objects.count(), invoice_emails())
#> 0 ['Invoice INV-2']

with transaction.atomic():
    create_invoice(number="INV-3", billing_email="b@example.com", net=Decimal(9))
    print(invoice_emails())  # not yet: the transaction is still open
    #> ['Invoice INV-2']
print(invoice_emails())  # committed: now it is sent
#> ['Invoice INV-2', 'Invoice INV-3']
