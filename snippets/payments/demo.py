from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core import mail

from payments.models import Credit, Payment
from payments.services import complete_payment

User = get_user_model()
ada = User.objects.create_user("ada", email="ada@example.com")
Payment.objects.create(reference="pay_123", user=ada, amount=Decimal("25.00"))

complete_payment("pay_123")
complete_payment("pay_123")  # the provider reports the same payment again

print([str(credit) for credit in Credit.objects.filter(user=ada)])
#> ['25.00 for pay_123']
print([m.subject for m in mail.outbox if "pay_123" in m.subject])
#> ['Receipt for payment pay_123']
