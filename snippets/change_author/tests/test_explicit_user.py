"""Option 1: post_save carries no user, so the caller sets changed_by."""

from django.db.models.signals import post_save
from django.test import Client, TestCase, override_settings
from django.urls import include, path, reverse

from ..models import Note
from ..services import save_note
from .helpers import AuditTestCase

# These tests serve their own URLs: ROOT_URLCONF points at this module.
urlpatterns = [path("", include("change_author.urls"))]


class WhatPostSaveGetsTests(TestCase):
    def test_post_save_carries_no_request_and_no_user(self):
        calls = []

        def record(**kwargs):
            calls.append(set(kwargs))

        post_save.connect(record, sender=Note)
        self.addCleanup(post_save.disconnect, record, sender=Note)
        Note.objects.create(title="Draft")

        arguments = {"signal", "sender", "instance", "created", "raw", "using"}
        self.assertEqual(calls, [{*arguments, "update_fields"}])


@override_settings(ROOT_URLCONF=__name__)
class ExplicitUserTests(AuditTestCase):
    """Option 1: the caller sets changed_by, the receivers read it."""

    def test_a_shell_or_a_test_says_who_and_it_is_recorded(self):
        note = save_note(Note(title="Draft"), by=self.ada)
        note.title = "Second draft"
        save_note(note, by=self.bob)
        pk = note.pk
        note.changed_by = self.root
        note.delete()

        self.assertEqual(
            self.history(pk),
            [("created", "ada"), ("changed", "bob"), ("deleted", "root")],
        )

    def test_the_view_passes_request_user(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        self.client.force_login(self.ada)

        response = self.client.post(
            reverse("change_author:edit_note", args=[note.pk]), {"title": "Final"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.history(note.pk), [("created", "bob"), ("changed", "ada")]
        )

    def test_a_visitor_cannot_choose_changed_by(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        self.client.force_login(self.ada)

        self.client.post(
            reverse("change_author:edit_note", args=[note.pk]),
            {"title": "Final", "changed_by": self.root.pk},
        )

        note.refresh_from_db()
        self.assertEqual(note.changed_by, self.ada)

    def test_the_view_refuses_bad_requests_and_records_nothing(self):
        note = save_note(Note(title="Draft"), by=self.bob)
        url = reverse("change_author:edit_note", args=[note.pk])
        cases = [
            (None, "post", {"title": "Final"}, 403),  # anonymous
            (self.bob, "post", {"title": "Final"}, 403),  # no change_note permission
            (self.ada, "post", {"title": ""}, 400),  # invalid
            (self.ada, "get", {}, 405),
        ]
        for user, method, data, status in cases:
            with self.subTest(user=user, method=method, data=data):
                client = Client()
                if user:
                    client.force_login(user)
                response = getattr(client, method)(url, data)
                self.assertEqual(response.status_code, status)

        self.assertEqual(self.history(note.pk), [("created", "bob")])

    def test_changed_by_sticks_so_a_later_save_blames_the_last_editor(self):
        note = save_note(Note(title="Draft"), by=self.ada)

        # Later, code that knows no user saves the note (a script, a task).
        note = Note.objects.get(pk=note.pk)
        note.title = "Fixed by a script"
        note.save()

        self.assertEqual(
            self.history(note.pk), [("created", "ada"), ("changed", "ada")]
        )
