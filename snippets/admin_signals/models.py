from django.db import models


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)

    def __str__(self):
        return self.title
