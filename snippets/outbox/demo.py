from django.db import transaction

from outbox.models import OutboxMessage, Shipment
from outbox.relay import relay_outbox, send_to_warehouse
from outbox.services import place_order


def pending():
    unsent = OutboxMessage.objects.filter(sent_at=None)
    return list(unsent.values_list("payload__order", flat=True))


def warehouse_down(message):
    raise ConnectionError("warehouse unreachable")


place_order("A-1", "ada@example.com")
try:
    with transaction.atomic():
        place_order("A-2", "grace@example.com")
        raise RuntimeError("card declined")
except RuntimeError:
    pass
print(pending())  # A-2 rolled back, and its message with it
#> ['A-1']

print(relay_outbox(send=warehouse_down))
#> 0
print(OutboxMessage.objects.values_list("attempts", "last_error").get())
#> (1, 'ConnectionError: warehouse unreachable')

place_order("A-3", "ada@example.com")
print(relay_outbox())  # the next run sends both, oldest first
#> 2
print(pending(), list(Shipment.objects.values_list("order_number", flat=True)))
#> [] ['A-1', 'A-3']

send_to_warehouse(OutboxMessage.objects.first())  # A-1 again, as after a lost reply
print(Shipment.objects.count())  # the warehouse knows the key: still two
#> 2
