import logging

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import MembershipEvent

logger = logging.getLogger(__name__)

# The table behind user.groups: m2m_changed is sent with it as the sender,
# whichever side of the relation the change is made from.
Membership = get_user_model().groups.through


@receiver(
    m2m_changed,
    sender=Membership,
    dispatch_uid="group_tracking.record_membership_change",
)
def record_membership_change(sender, instance, action, reverse, pk_set, **kwargs):
    """Record one event per (user, group) pair that really joined or left."""
    if kwargs.get("raw"):
        # Django 6.1+: loaddata is restoring memberships, nobody is joining.
        return
    if action == "post_add":
        # pk_set holds only the rows really inserted, so adding a member
        # again records nothing.
        _record(_pairs(instance, reverse, pk_set), MembershipEvent.Action.JOINED)
    elif action in ("pre_remove", "pre_clear"):
        # Read the members before the rows go: remove's pk_set holds every
        # pk it was given, members or not, and clear's pk_set is None.
        leaving = _current(instance, reverse, pk_set)
        _record(_pairs(instance, reverse, leaving), MembershipEvent.Action.LEFT)


def _current(instance, reverse, pk_set):
    """The pks on the other side that are related to instance right now."""
    # Forward, instance is a user; reverse, it is a group.
    related = instance.user_set if reverse else instance.groups
    if pk_set is not None:
        related = related.filter(pk__in=pk_set)
    return related.values_list("pk", flat=True)


def _pairs(instance, reverse, other_pks):
    """(user pk, group pk) pairs, whichever side instance is on."""
    if reverse:  # instance is a group, other_pks are user pks
        return [(user_pk, instance.pk) for user_pk in sorted(other_pks)]
    return [(instance.pk, group_pk) for group_pk in sorted(other_pks)]


def _record(pairs, action):
    MembershipEvent.objects.bulk_create(
        MembershipEvent(user_id=user_pk, group_id=group_pk, action=action)
        for user_pk, group_pk in pairs
    )
    for user_pk, group_pk in pairs:
        logger.info("User %s %s group %s", user_pk, action, group_pk)
