import logging

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

logger = logging.getLogger(__name__)


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="signup_log.log_signup",
)
def log_signup(sender, instance, created, raw, **kwargs):
    """Record each new account, naming it by pk and username only.

    Logs are copied, shipped and kept for a long time, so they get no email
    address, name or password hash: the pk is enough to look the rest up.
    """
    if not created or raw:
        # An update is not a sign-up, and loaddata (raw) restores old users.
        return
    logger.info("New sign-up: user %s (%s)", instance.pk, instance.get_username())
