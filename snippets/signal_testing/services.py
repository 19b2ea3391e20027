from django.db import transaction

from .models import Ticket
from .signals import ticket_closed


@transaction.atomic
def close_ticket(ticket, reason):
    """Close an open ticket and announce it; return False if it was closed.

    Closing a closed ticket sends nothing, so nobody is told twice.
    """
    if ticket.status == Ticket.Status.CLOSED:
        return False
    ticket.status = Ticket.Status.CLOSED
    ticket.save(update_fields=["status"])
    ticket_closed.send(sender=Ticket, ticket=ticket, reason=reason)
    return True
