from functools import cache

from django.conf import settings


@cache
def blocked_domains():
    """The BLOCKED_EMAIL_DOMAINS setting, normalised once per process."""
    return frozenset(
        domain.strip().lower()
        for domain in getattr(settings, "BLOCKED_EMAIL_DOMAINS", ())
    )


def is_blocked(email):
    """Whether the address belongs to a blocked domain."""
    return email.rpartition("@")[2].lower() in blocked_domains()
