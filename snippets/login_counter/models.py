from django.conf import settings
from django.db import models


class LoginCount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="login_count",
    )
    count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.user} logged in {self.count} times"
