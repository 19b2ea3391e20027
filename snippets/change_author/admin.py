import django
from django.contrib import admin
from django.db import router, transaction
from django.utils.translation import ngettext

from .models import Note
from .services import publish_notes

# Django 6.1 can offer an action on the change form as well, for one object.
if django.VERSION >= (6, 1):
    ON_LIST_AND_FORM = {
        "location": [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
    }
else:
    ON_LIST_AND_FORM = {}


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at", "changed_by")
    readonly_fields = ("published_at", "changed_by")
    actions = ("publish",)

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        # Not saved: the post_delete receiver reads it from the instance.
        obj.changed_by = request.user
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The "Delete selected" action calls this, never delete_model(). The
        # default, queryset.delete(), sends post_delete for each note, but as
        # loaded from the database: changed_by is whoever saved it last.
        with transaction.atomic(using=router.db_for_write(Note)):
            for note in queryset:
                self.delete_model(request, note)

    @admin.action(
        description="Publish selected notes", permissions=["change"], **ON_LIST_AND_FORM
    )
    def publish(self, request, queryset):
        count = publish_notes(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("Published %d note.", "Published %d notes.", count) % count,
        )
