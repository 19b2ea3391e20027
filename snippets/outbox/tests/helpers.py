"""What the test modules share: the task backends, and what was shipped or sent."""

import django
from django.core import mail
from django.db import transaction

from ..models import OutboxMessage, Shipment
from ..services import place_order

# Django 6.0 has django.tasks; on Django 5.2 the django-tasks backport provides it.
TASKS_PACKAGE = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"

IMMEDIATE = {
    "default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}
}


# django-tasks-db, and on Django 5.2 the backport it builds on.
QUEUE_APPS = [*(["django_tasks"] if django.VERSION < (6, 0) else []), "django_tasks_db"]


class Declined(Exception):
    pass


def place_and_roll_back(number):
    try:
        with transaction.atomic():
            place_order(number, "ada@example.com")
            raise Declined
    except Declined:
        pass


def shipped():
    return list(Shipment.objects.order_by("pk").values_list("order_number", flat=True))


def pending():
    return OutboxMessage.objects.filter(sent_at=None)


def confirmations():
    return [m.subject for m in mail.outbox if m.subject.endswith(" confirmed")]
