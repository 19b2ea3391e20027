import factory
from factory.django import DjangoModelFactory

from .models import Ticket


class TicketFactory(DjangoModelFactory):
    class Meta:
        model = Ticket

    title = factory.Sequence(lambda n: f"Ticket {n}")
    reporter_email = factory.Sequence(lambda n: f"reporter{n}@example.com")
