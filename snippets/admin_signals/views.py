from django.template.response import TemplateResponse

from .models import Ticket


def open_tickets(request):
    # A TemplateResponse keeps its template name and context on the
    # response, whichever template engine renders it.
    tickets = Ticket.objects.filter(status=Ticket.Status.OPEN).order_by("pk")
    return TemplateResponse(request, "admin_signals/tickets.html", {"tickets": tickets})
