from django.conf import settings
from django.db import models


class MembershipEvent(models.Model):
    """One user joining or leaving one group: an audit trail of memberships."""

    class Action(models.TextChoices):
        JOINED = "joined"
        LEFT = "left"

    # SET_NULL keeps the history when a user or group is deleted later.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="membership_events",
    )
    group = models.ForeignKey(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        related_name="membership_events",
    )
    action = models.CharField(max_length=6, choices=Action)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self):
        return f"{self.user} {self.action} {self.group}"
