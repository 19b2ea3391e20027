import logging

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile

logger = logging.getLogger(__name__)


# --8<-- [start:receiver]
@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="profiles.create_profile",
)
def create_profile(sender, instance, created, raw, **kwargs):
    """Give every new user an empty profile."""
    if not created or raw:
        # raw: loaddata is restoring rows; the fixture brings its own profiles.
        return
    Profile.objects.create(user=instance)
    logger.info("Created a profile for user %s", instance.pk)


# --8<-- [end:receiver]
