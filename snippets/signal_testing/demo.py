from django.db.models.signals import post_save

from signal_testing.models import Ticket
from signal_testing.services import close_ticket
from signal_testing.signals import ticket_closed
from signal_testing.testing import recorded

with recorded(post_save, sender=Ticket) as saves:
    ticket = Ticket.objects.create(
        title="Printer on fire", reporter_email="a@example.com"
    )
print(sorted(saves[0]))
#> ['created', 'instance', 'raw', 'sender', 'signal', 'update_fields', 'using']
print(saves[0]["created"], saves[0]["raw"], saves[0]["update_fields"])
#> True False None

with recorded(ticket_closed) as closes:
    close_ticket(ticket, reason="Extinguished")
    close_ticket(ticket, reason="Closed twice?")
print(len(closes))
#> 1
print(closes[0]["ticket"], "|", closes[0]["reason"])
#> Printer on fire | Extinguished
