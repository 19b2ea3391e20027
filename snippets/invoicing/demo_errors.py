from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save

from invoicing.antipatterns import crash
from invoicing.models import Invoice
from invoicing.services import create_invoice

User = get_user_model()

post_save.connect(crash, sender=Invoice)
try:
    with transaction.atomic():
        User.objects.create_user("grace")
        create_invoice(number="INV-1", billing_email="g@example.com", net=Decimal(9))
except RuntimeError as error:
    print("save() raised:", error)
    #> save() raised: bug in a receiver
finally:
    post_save.disconnect(crash, sender=Invoice)

print(User.objects.filter(username="grace").exists(), Invoice.objects.exists())
#> False False
