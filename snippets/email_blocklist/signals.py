from django.core.signals import setting_changed
from django.dispatch import receiver

from .services import blocked_domains


@receiver(setting_changed, dispatch_uid="email_blocklist.forget_blocked_domains")
def forget_blocked_domains(sender, setting, **kwargs):
    """Forget the cached domains whenever a test changes the setting.

    override_settings sends the signal on entering and on leaving, so code
    inside and after the override each sees its own value.
    """
    if setting == "BLOCKED_EMAIL_DOMAINS":
        blocked_domains.cache_clear()
