import logging

from django.conf import settings
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .passwords import CREATED, password_changed

logger = logging.getLogger(__name__)


# --8<-- [start:logins]
@receiver(user_logged_in, dispatch_uid="login_audit.log_login")
def log_login(sender, request, user, **kwargs):
    """Record the start of an authenticated session."""
    logger.info("User %s logged in", user.pk)


@receiver(user_logged_out, dispatch_uid="login_audit.log_logout")
def log_logout(sender, request, user, **kwargs):
    """Record the end of a session; `user` is None if nobody was logged in."""
    if user is None:
        logger.info("An anonymous visitor logged out")
    else:
        logger.info("User %s logged out", user.pk)


@receiver(user_login_failed, dispatch_uid="login_audit.log_login_failure")
def log_login_failure(sender, credentials, request, **kwargs):
    """Record who tried and from where, and nothing they typed as a secret.

    Django masks credentials whose names look secret ("password", "token"...),
    but only by name, so log an allow-list rather than the whole dict.
    """
    username = credentials.get("username")
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    # %r escapes newlines, so a crafted username cannot forge log lines.
    logger.warning("Failed login for username %r from %s", username, address)


# --8<-- [end:logins]


# --8<-- [start:password]
@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="login_audit.note_new_user",
)
def note_new_user(sender, instance, created, **kwargs):
    """Mark whether this save created the user.

    Django tells the validators about a new password only after the row is
    saved, when nothing on the instance says it was new any more.
    """
    setattr(instance, CREATED, created)


@receiver(password_changed, dispatch_uid="login_audit.log_password_change")
def log_password_change(sender, user, **kwargs):
    """Act once the transaction that saved the new password has committed."""
    user_pk = user.pk
    # In a real project: email the user "your password was changed".
    transaction.on_commit(
        lambda: logger.info("User %s changed password", user_pk),
        using=user._state.db,
    )


# --8<-- [end:password]
