import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

logger = logging.getLogger(__name__)


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="signup_log.log_signup",
)
def log_signup(sender, instance, created, raw, using, **kwargs):
    """Record each new account, naming it by primary key only.

    Logs are copied, shipped and kept for a long time, so they get no email
    address, name or password hash, and no username either: when the user
    model's USERNAME_FIELD is "email", the username is the email address.
    """
    if not created or raw:
        # An update is not a sign-up, and loaddata (raw) restores old users.
        return
    # Log once the row is committed: a rolled-back sign-up never happened.
    transaction.on_commit(
        partial(logger.info, "New sign-up: user %s", instance.pk), using=using
    )
