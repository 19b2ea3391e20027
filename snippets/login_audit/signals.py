import logging

from django.conf import settings
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

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
CHANGED = "_login_audit_password_changed"  # a flag from pre_save to post_save


@receiver(
    pre_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="login_audit.spot_password_change",
)
def spot_password_change(sender, instance, raw, using, update_fields, **kwargs):
    """Compare the password hash about to be saved with the stored one.

    Django has no "password changed" signal. This sees every change saved
    through the model: set_password() then save(), or Django's password
    forms and views.
    """
    setattr(instance, CHANGED, False)
    if raw or instance._state.adding:
        return  # a row from a fixture, or a new user: nothing was changed
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. login() saving last_login: the password is not written
    stored = (
        sender._default_manager.using(using)
        .filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    setattr(instance, CHANGED, stored is not None and stored != instance.password)


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="login_audit.log_password_change",
)
def log_password_change(sender, instance, **kwargs):
    """Act once the change is saved, and its transaction has committed."""
    if not getattr(instance, CHANGED, False):
        return
    setattr(instance, CHANGED, False)
    user_pk = instance.pk
    # In a real project: email the user "your password was changed".
    transaction.on_commit(lambda: logger.info("User %s changed password", user_pk))


# --8<-- [end:password]
