from django.conf import settings
from django.db import models


class Avatar(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="avatar",
    )
    image = models.FileField(upload_to="avatars/")

    def __str__(self):
        return f"Avatar of {self.user}"
