from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save

from order_receipts.antipatterns import send_receipt_inline
from order_receipts.models import AuditEntry, Purchase


def receipts():
    return [m.subject for m in mail.outbox if m.subject.startswith("Receipt for ")]


def buy(number):
    return Purchase.objects.create(number=number, email="ada@example.com", total=30)


def buy_and_roll_back(number):
    try:
        with transaction.atomic():
            buy(number)
            raise RuntimeError("card declined")
    except RuntimeError:
        pass


with transaction.atomic():
    with transaction.atomic():  # a savepoint, as a service function may open
        buy("P-1")
    print(receipts())  # the inner block is over, but nothing is committed yet
    #> []
print(receipts())  # the outermost block committed: the task ran
#> ['Receipt for P-1']

buy_and_roll_back("P-2")
print(Purchase.objects.filter(number="P-2").exists(), receipts())
#> False ['Receipt for P-1']
print(AuditEntry.objects.filter(purchase_number="P-2").exists())  # rolled back too
#> False

post_save.connect(send_receipt_inline, sender=Purchase)  # no on_commit
try:
    buy_and_roll_back("P-3")
finally:
    post_save.disconnect(send_receipt_inline, sender=Purchase)
print(Purchase.objects.filter(number="P-3").exists(), receipts())
#> False ['Receipt for P-1', 'Receipt for P-3']
