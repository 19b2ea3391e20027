from django.db import models


class Video(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded"
        READY = "ready"

    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.UPLOADED
    )

    def __str__(self):
        return self.title
