from django.urls import path

from . import views

app_name = "admin_signals"

urlpatterns = [
    path("tickets/", views.open_tickets, name="open_tickets"),
]
