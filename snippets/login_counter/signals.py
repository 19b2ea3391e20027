import logging

from django.contrib.auth.signals import user_logged_in
from django.db.models import F
from django.dispatch import receiver

from .models import LoginCount

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="login_counter.count_login")
def count_login(sender, request, user, **kwargs):
    """Add one to the user's login count without losing concurrent logins."""
    row, created = LoginCount.objects.get_or_create(user=user, defaults={"count": 1})
    if not created:
        # The database adds one to the value it holds now, not to the value
        # this process read: two logins at once still count two.
        LoginCount.objects.filter(pk=row.pk).update(count=F("count") + 1)
    logger.info("User %s logged in", user.pk)
