from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import send_welcome_email


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="welcome_email.queue_welcome_email",
)
def queue_welcome_email(sender, instance, created, raw, using, **kwargs):
    """Welcome a new user, but only once their account really exists.

    post_save runs inside the caller's transaction. An email sent from here
    could greet a user whose sign-up then rolls back, so the sending waits
    for the commit.
    """
    email = getattr(instance, instance.get_email_field_name(), "")
    if not created or raw or not email:
        return
    user_pk = instance.pk
    # robust=True: a mail server outage is logged instead of turning a
    # finished sign-up into an error page. A lambda, not a partial: Django
    # 5.2 needs a __qualname__ to log a failing robust callback.
    transaction.on_commit(lambda: send_welcome_email(user_pk), using=using, robust=True)
