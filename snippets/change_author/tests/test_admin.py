"""Option 3: the admin knows request.user, in every place it saves or deletes."""

from unittest import mock, skipIf, skipUnless

import django
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models.signals import pre_delete
from django.test import override_settings
from django.urls import path, reverse

from ..models import Note
from ..services import save_note
from .helpers import AuditTestCase


class NaiveNoteAdmin(admin.ModelAdmin):
    """Covers save_model() and delete_model(), and stops there."""

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj.changed_by = request.user
        super().delete_model(request, obj)


naive_site = admin.AdminSite(name="naive_admin")
naive_site.register(Note, NaiveNoteAdmin)


# These tests serve their own URLs: ROOT_URLCONF points at this module.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("naive-admin/", naive_site.urls),
]


@override_settings(ROOT_URLCONF=__name__)
class AdminTests(AuditTestCase):
    """Option 3: the admin knows request.user; NoteAdmin hands it on."""

    def setUp(self):
        self.client.force_login(self.root)
        self.notes = [save_note(Note(title=t), by=self.bob) for t in ("One", "Two")]

    def test_add_change_and_delete_record_the_admin_user(self):
        self.client.post(reverse("admin:change_author_note_add"), {"title": "New"})
        new = Note.objects.get(title="New")
        change = reverse("admin:change_author_note_change", args=[new.pk])
        self.client.post(change, {"title": "Renamed"})
        delete = reverse("admin:change_author_note_delete", args=[new.pk])
        self.client.post(delete, {"post": "yes"})

        self.assertEqual(
            self.history(new.pk),
            [("created", "root"), ("changed", "root"), ("deleted", "root")],
        )

    def test_the_admin_keeps_its_own_log_of_who_did_it(self):
        self.assertFalse(LogEntry.objects.exists())  # save_note() wrote none
        self.client.post(reverse("admin:change_author_note_add"), {"title": "New"})

        entry = LogEntry.objects.get(object_id=str(Note.objects.get(title="New").pk))
        self.assertEqual(entry.user, self.root)

    def delete_selected(self, site):
        return self.client.post(
            reverse(f"{site}:change_author_note_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [n.pk for n in self.notes],
                "post": "yes",
            },
        )

    def test_delete_selected_records_the_admin_user(self):
        response = self.delete_selected("admin")

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Note.objects.exists())
        for note in self.notes:
            self.assertEqual(
                self.history(note.pk), [("created", "bob"), ("deleted", "root")]
            )

    @mock.patch.object(NaiveNoteAdmin, "delete_model", autospec=True)
    def test_without_delete_queryset_the_last_editor_gets_the_blame(self, spy):
        pre_deleted = []

        def record(instance, **kwargs):
            pre_deleted.append(instance.pk)

        pre_delete.connect(record, sender=Note)
        self.addCleanup(pre_delete.disconnect, record, sender=Note)

        self.delete_selected("naive_admin")

        spy.assert_not_called()  # the bulk action never calls delete_model()
        self.assertFalse(Note.objects.exists())
        self.assertCountEqual(pre_deleted, [n.pk for n in self.notes])
        for note in self.notes:  # post_delete was sent for each note...
            # ...with changed_by as stored: bob, who did not delete anything.
            self.assertEqual(
                self.history(note.pk), [("created", "bob"), ("deleted", "bob")]
            )

    def test_the_publish_action_passes_request_user_to_the_service(self):
        self.client.post(
            reverse("admin:change_author_note_changelist"),
            {"action": "publish", "_selected_action": [self.notes[0].pk]},
        )

        self.assertEqual(
            self.history(*[n.pk for n in self.notes]),
            [("created", "bob"), ("created", "bob"), ("published", "root")],
        )

    def test_the_publish_action_says_how_many_notes_it_published(self):
        response = self.client.post(
            reverse("admin:change_author_note_changelist"),
            {"action": "publish", "_selected_action": [n.pk for n in self.notes]},
            follow=True,
        )

        self.assertContains(response, "Published 2 notes.")

    # --8<-- [start:change_form_action]
    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 has change-form actions")
    def test_on_django_61_the_change_form_offers_the_action_too(self):
        note = self.notes[0]
        change = reverse("admin:change_author_note_change", args=[note.pk])
        self.assertContains(self.client.get(change), 'name="CHANGE_FORM-action"')

        self.client.post(
            change, {"CHANGE_FORM-action": "publish", "_selected_action": note.pk}
        )

        self.assertEqual(
            self.history(*[n.pk for n in self.notes]),  # only this note
            [("created", "bob"), ("created", "bob"), ("published", "root")],
        )

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 has actions on the change list only")
    def test_on_django_52_the_change_form_has_no_actions(self):
        with self.assertRaises(TypeError):
            admin.action(location=[])  # no such argument before 6.1
        note = self.notes[0]
        change = reverse("admin:change_author_note_change", args=[note.pk])
        self.assertNotContains(self.client.get(change), 'name="CHANGE_FORM-action"')

        self.client.post(
            change, {"CHANGE_FORM-action": "publish", "_selected_action": note.pk}
        )

        self.assertEqual(self.history(note.pk), [("created", "bob")])  # not published

    # --8<-- [end:change_form_action]
