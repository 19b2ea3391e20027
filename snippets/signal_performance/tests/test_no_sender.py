"""A receiver connected with no sender runs for every model, Django's own too."""

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User, update_last_login
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_init, post_save
from django.test import TestCase

from ..costly import log_every_save
from ..models import Document, Folder
from ..testing import connected


class NoSenderTests(TestCase):
    def setUp(self):
        self.folder = Folder.objects.create(name="Reports")
        self.user = User.objects.create_user("ada")

    def save_a_few_things(self):
        """One document, and four rows that Django itself saves."""
        Document.objects.create(folder=self.folder, title="Q3")
        SessionStore().create()  # a login saves a session
        update_last_login(None, self.user)  # and the user's last_login
        LogEntry.objects.log_actions(self.user.pk, [self.folder], ADDITION)
        recorder = MigrationRecorder(connection)
        recorder.record_applied("signal_performance", "9999_example")  # migrate

    def test_a_receiver_with_no_sender_hears_every_model(self):
        with (
            connected(post_save, log_every_save),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            self.save_a_few_things()

        self.assertEqual(
            [line.rpartition(":")[2] for line in logs.output],
            [
                "signal_performance.Document saved",
                "sessions.Session saved",
                "auth.User saved",
                "admin.LogEntry saved",
                "migrations.Migration saved",
            ],
        )

    def test_a_real_login_saves_the_session_and_the_user(self):
        with (
            connected(post_save, log_every_save),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            self.client.force_login(self.user)

        heard = [line.rpartition(":")[2] for line in logs.output]
        self.assertIn("auth.User saved", heard)
        self.assertIn("sessions.Session saved", heard)

    def test_a_sender_limits_it_to_one_model(self):
        for sender in (Document, "signal_performance.Document"):
            with (
                self.subTest(sender=sender),
                connected(post_save, log_every_save, sender=sender),
                self.assertLogs("signal_performance.costly", "INFO") as logs,
            ):
                self.save_a_few_things()

            self.assertEqual(
                logs.output,
                ["INFO:signal_performance.costly:signal_performance.Document saved"],
            )

    def test_a_post_init_receiver_with_no_sender_runs_for_every_row_loaded(self):
        for title in ("Q1", "Q2", "Q3"):
            Document.objects.create(folder=self.folder, title=title)
        built = []

        def count(sender, instance, **kwargs):
            built.append(sender)

        with connected(post_init, count):
            list(Document.objects.all())
            list(User.objects.all())

        self.assertEqual(built, [Document, Document, Document, User])

    def test_the_apps_receiver_names_its_sender_as_a_string(self):
        with self.assertLogs("signal_performance.signals", "INFO") as logs:
            self.save_a_few_things()

        self.assertEqual(
            logs.output,
            ["INFO:signal_performance.signals:Document 'Q3' saved (created=True)"],
        )
