from django.dispatch import Signal
from django.utils.translation import gettext

# Sent once a user's new password is saved; never for a hash upgrade and never
# for a new user's first password. sender: the user's class. Argument: user.
password_changed = Signal()

# Set by signals.note_new_user on every save of a user: did it create the row?
CREATED = "_login_audit_created"


class PasswordChangeNotifier:
    """A password validator that accepts every password and reports changes.

    Django calls password_changed() of every validator in
    AUTH_PASSWORD_VALIDATORS after a save() that follows set_password(). A hash
    upgrade at login does not count: check_password() saves the new hash
    without that call.
    """

    def validate(self, password, user=None):
        """Accept every password: the other validators judge its strength."""

    def get_help_text(self):
        # Forms list every validator's help text; "" would be an empty bullet.
        return gettext("Changes to your password are recorded.")

    def password_changed(self, password, user=None):
        """Send the signal with the user, never with `password`."""
        if user is None or getattr(user, CREATED, False):
            return  # no user to report, or a new user's first password
        password_changed.send(sender=type(user), user=user)
