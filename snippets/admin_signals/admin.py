import logging

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import router, transaction
from django.utils.translation import ngettext

from .models import Ticket

logger = logging.getLogger(__name__)


# --8<-- [start:history]
VERBS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


class HistoryLoggingMixin:
    """Log every history entry this ModelAdmin writes, bulk deletions included.

    The admin's add, change and delete pages, its list editing and its
    "Delete selected" action write their history through these three
    methods, and each returns the entries it wrote. A post_save receiver on
    LogEntry misses the entries of "Delete selected" for two objects or
    more: they are written with bulk_create(), which sends no post_save.
    """

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.log_history([entry])
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.log_history([entry])
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        self.log_history(entries)
        return entries

    def log_history(self, entries):
        label = self.opts.label_lower
        facts = [
            (entry.user_id, VERBS[entry.action_flag], label, entry.object_id)
            for entry in entries
        ]

        def write():
            for fact in facts:
                logger.info("user %s %s %s %s", *fact)

        transaction.on_commit(write, using=router.db_for_write(LogEntry))


# --8<-- [end:history]


# --8<-- [start:ticket_admin]
@admin.register(Ticket)
class TicketAdmin(HistoryLoggingMixin, admin.ModelAdmin):
    list_display = ("title", "status")
    list_filter = ("status",)
    actions = ("close_selected",)

    @admin.action(description="Close selected tickets", permissions=["change"])
    def close_selected(self, request, queryset):
        # Not queryset.update(): it sends no pre_save and no post_save. Save
        # each ticket, so receivers run for each, and write the history
        # entry that no action writes by itself.
        with transaction.atomic(using=router.db_for_write(Ticket)):
            tickets = list(queryset.filter(status=Ticket.Status.OPEN))
            for ticket in tickets:
                ticket.status = Ticket.Status.CLOSED
                ticket.save(update_fields=["status"])
                self.log_change(request, ticket, "Closed with an action.")
        count = len(tickets)
        self.message_user(
            request,
            ngettext("Closed %d ticket.", "Closed %d tickets.", count) % count,
        )


# --8<-- [end:ticket_admin]
