import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def send_welcome_email(user_pk):
    """Email the welcome message to the user with this pk.

    It takes a pk, not a user object, and reads the user afresh: that is what
    a background task would receive too, so moving this into a task later
    changes only the caller.
    """
    user = get_user_model()._default_manager.get(pk=user_pk)
    send_mail(
        subject="Welcome aboard!",
        message=(
            f"Hello {user.get_username()},\n\n"
            "Your account is ready. We are glad you are here.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[getattr(user, user.get_email_field_name())],
    )
    logger.info("Sent the welcome email to user %s", user_pk)
