from decimal import Decimal

from django.db.models.signals import pre_save

from invoicing.antipatterns import fill_total
from invoicing.models import Invoice
from invoicing.services import create_invoice


def total_of(number):
    return Invoice.objects.get(number=number).total


pre_save.connect(fill_total, sender=Invoice)  # the rule hidden in a receiver
try:
    Invoice.objects.create(number="A-1", billing_email="a@example.com", net=100)
    print(total_of("A-1"))
    #> 120.00

    Invoice.objects.bulk_create(
        [Invoice(number="A-2", billing_email="a@example.com", net=100)]
    )
    print(total_of("A-2"))  # bulk_create sent no pre_save
    #> 0.00

    Invoice.objects.filter(number="A-1").update(net=200)
    print(total_of("A-1"))  # update() neither: the total is stale
    #> 120.00
finally:
    pre_save.disconnect(fill_total, sender=Invoice)

invoice = create_invoice(number="B-1", billing_email="b@example.com", net=Decimal(100))
print(invoice.total)  # the rule, applied where you can see it
#> 120.00
