import uuid

from django.db import models


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    email = models.EmailField()
    # Set by the send_confirmation task once the email has gone out.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Order {self.number}"


class OutboxMessage(models.Model):
    """A message for another system, written in the same transaction as the
    change it announces. relay_outbox() delivers it and sets sent_at."""

    # Travels with the message, so the receiver can recognise a repeat.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(max_length=100)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self):
        return f"{self.topic} #{self.pk}"


class Shipment(models.Model):
    """The warehouse's side. In a real project it lives in another system;
    here it is a table, so that the tests can see what arrived, and how often.
    """

    idempotency_key = models.CharField(max_length=64, unique=True)
    order_number = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Shipment for {self.order_number}"
