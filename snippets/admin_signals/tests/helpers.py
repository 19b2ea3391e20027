"""What the admin tests share: test-only admin sites, their URLconf, a base class."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import include, path, reverse

from ..models import Ticket

User = get_user_model()
RECEIVERS_LOG = "admin_signals.signals"
HISTORY_LOG = "admin_signals.admin"
OPEN, CLOSED = Ticket.Status.OPEN, Ticket.Status.CLOSED
HAS_DEBUG_TOOLBAR = find_spec("debug_toolbar") is not None


# --8<-- [start:update_action]
# The bug, kept out of the app: an action that closes tickets with update().
@admin.action(description="Close selected tickets", permissions=["change"])
def close_with_update(modeladmin, request, queryset):
    # One UPDATE statement: no pre_save, no post_save, for any ticket.
    queryset.filter(status=Ticket.Status.OPEN).update(status=Ticket.Status.CLOSED)


class UpdateTicketAdmin(admin.ModelAdmin):
    actions = (close_with_update,)


# --8<-- [end:update_action]


# --8<-- [start:old_hook]
# How code hooked into the admin's deletions before Django 5.1 added
# log_deletions(): by overriding log_deletion(), called once per object.
class OldHookTicketAdmin(admin.ModelAdmin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hooked = []

    def log_deletion(self, request, obj, object_repr):
        self.hooked.append(obj.pk)
        return super().log_deletion(request, obj, object_repr)


# --8<-- [end:old_hook]


# The URLconf of the tests: ROOT_URLCONF="admin_signals.tests.helpers".
# Admin sites for these tests only, next to the real one.
update_site = admin.AdminSite(name="update_admin")
update_site.register(Ticket, UpdateTicketAdmin)
old_hook_site = admin.AdminSite(name="old_hook_admin")
old_hook_site.register(Ticket, OldHookTicketAdmin)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("update-admin/", update_site.urls),
    path("old-hook-admin/", old_hook_site.urls),
    path("", include("admin_signals.urls")),
]


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.boss = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.boss)

    def make_tickets(self, *titles, status=OPEN):
        return [Ticket.objects.create(title=title, status=status) for title in titles]

    def run_action(self, action, tickets, site="admin", **extra):
        return self.client.post(
            reverse(f"{site}:admin_signals_ticket_changelist"),
            {"action": action, "_selected_action": [t.pk for t in tickets], **extra},
        )

    def delete_selected(self, tickets, site="admin"):
        # "post" is the confirmation page's answer: delete them.
        return self.run_action("delete_selected", tickets, site=site, post="yes")

    @contextmanager
    def logged_after_commit(self, logger):
        with (
            self.assertLogs(logger, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            yield logs

    @contextmanager
    def nothing_logged(self, logger):
        with (
            self.assertNoLogs(logger, "INFO"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            yield


def run_in_a_new_process(script, *args):
    """Run a python -c script, without this process's settings; return its JSON."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            timeout=60,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        error.add_note(error.stderr)
        raise
    return json.loads(result.stdout)
