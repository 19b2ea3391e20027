from decimal import Decimal

from django.db.models.signals import post_delete, post_save

from inherited_senders.models import (
    AuditEntry,
    CreditNote,
    Document,
    Draft,
    Invoice,
    UrgentDraft,
)

heard = []


def on_document(signal, sender, instance, **kwargs):
    name = "post_save" if signal is post_save else "post_delete"
    heard.append(f"{name}: {type(instance).__name__} {instance}")


post_save.connect(on_document, sender=Document)
post_delete.connect(on_document, sender=Document)
try:
    Document.objects.create(title="Terms")
    Draft.objects.create(title="Plan")
    UrgentDraft.objects.create(title="Fix the roof")
    invoice = Invoice.objects.create(title="March", amount=Decimal("120.00"))
    invoice.amount = Decimal("125.00")
    invoice.save()
    CreditNote.objects.create(title="Refund", amount=Decimal("-20.00"))
    invoice.delete()
finally:
    post_save.disconnect(on_document, sender=Document)
    post_delete.disconnect(on_document, sender=Document)

# What a receiver connected with sender=Document heard:
for line in heard:
    print(line)
    #> post_save: Document Terms
    #> post_delete: Document March

# What the audit heard, connected to every class that inherits from Audited:
for entry in AuditEntry.objects.all():
    print(entry)
    #> created Document
    #> created Draft
    #> created UrgentDraft
    #> created Invoice
    #> updated Invoice
    #> created CreditNote
    #> deleted Invoice
    #> deleted Document
