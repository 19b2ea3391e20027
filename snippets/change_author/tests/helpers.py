"""What the test modules share: users with their audit trail, and one view."""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.http import HttpResponse
from django.test import TestCase

from ..middleware import current_user
from ..models import Note, NoteChange

User = get_user_model()
LOGGER = "change_author.signals"
MIDDLEWARE = "change_author.middleware.CurrentUserMiddleware"


def pk_of(user):
    return user.pk if user is not None else None


SEEN_ON_COMMIT = []


def create_then_read_on_commit(request):
    Note.objects.create(title="Saved in a view")
    in_atomic_block = transaction.get_connection().in_atomic_block
    # This callback reads the user when it runs, not when it is registered.
    transaction.on_commit(
        lambda: SEEN_ON_COMMIT.append((in_atomic_block, pk_of(current_user())))
    )
    return HttpResponse("saved")


class AuditTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ada = User.objects.create_user("ada")
        cls.ada.user_permissions.add(
            Permission.objects.get(
                codename="change_note", content_type__app_label="change_author"
            )
        )
        cls.bob = User.objects.create_user("bob")
        cls.root = User.objects.create_superuser("root")

    def history(self, *pks):
        """(action, username or None) for each audit row of these notes."""
        rows = NoteChange.objects.filter(note_pk__in=pks)
        return [(row.action, row.by.username if row.by else None) for row in rows]

    @contextmanager
    def logged_after_commit(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            yield logs

    def line(self, pk, action, user=None):
        who = f"user {user.pk}" if user else "no user"
        return f"INFO:{LOGGER}:change_author.note {pk} {action} by {who}"
