import logging

from .models import Profile

logger = logging.getLogger(__name__)


def profile_for(user):
    """Return the user's profile, creating it if the user has none.

    The post_save receiver and the backfill migration cover almost every
    user; this covers the rest (users made by bulk_create(), raw SQL or a
    fixture without profiles) at the moment their profile is needed.
    """
    try:
        return user.profile
    except Profile.DoesNotExist:
        # get_or_create, not create: another request may have just made it.
        profile, created = Profile.objects.get_or_create(user=user)
        if created:
            logger.warning("Created a missing profile for user %s", user.pk)
        return profile
