import threading
from contextlib import contextmanager

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import post_init, post_save
from django.test import SimpleTestCase, TestCase

from .models import Note
from .services import add_notes, forget_note_count, note_count


@contextmanager
def connected(signal, receiver, sender):
    """Connect a receiver for the length of one test only."""
    signal.connect(receiver, sender=sender)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)


class SendingIsSynchronousTests(TestCase):
    def test_the_receiver_has_run_before_save_returns(self):
        events = []

        def on_save(sender, **kwargs):
            events.append("receiver ran")

        with connected(post_save, on_save, Note):
            Note.objects.create(text="hello")
            events.append("save() returned")

        self.assertEqual(events, ["receiver ran", "save() returned"])

    def test_an_exception_in_a_receiver_comes_out_of_save(self):
        def refuse(sender, **kwargs):
            raise ValueError("receiver says no")

        with (
            connected(post_save, refuse, Note),
            self.assertRaisesMessage(ValueError, "receiver says no"),
        ):
            Note.objects.create(text="doomed")


class WhatAReceiverIsGivenTests(TestCase):
    def test_post_save_carries_no_request(self):
        received = []

        def on_save(sender, **kwargs):
            received.append(sorted(kwargs))

        with connected(post_save, on_save, Note):
            Note.objects.create(text="hello")

        self.assertEqual(
            received,
            [["created", "instance", "raw", "signal", "update_fields", "using"]],
        )

    def test_queryset_update_sends_no_post_save(self):
        note = Note.objects.create(text="hello")
        received = []

        def on_save(sender, instance, **kwargs):
            received.append(instance)

        with connected(post_save, on_save, Note):
            Note.objects.filter(pk=note.pk).update(text="changed")

        self.assertEqual(received, [])


class SendingStaysInTheSendersThreadTests(SimpleTestCase):
    def test_the_receiver_runs_in_the_thread_that_sent(self):
        seen = []

        def on_init(sender, **kwargs):
            seen.append(threading.current_thread())

        with connected(post_init, on_init, Note):
            worker = threading.Thread(target=Note, kwargs={"text": "x"})
            worker.start()
            worker.join()

        self.assertEqual(seen, [worker])


class SendingStaysInTheSendersTransactionTests(TestCase):
    def test_a_failing_receiver_rolls_back_the_save(self):
        def refuse(sender, **kwargs):
            raise ValueError("receiver says no")

        with (
            connected(post_save, refuse, Note),
            self.assertRaises(ValueError),
            transaction.atomic(),
        ):
            Note.objects.create(text="doomed")

        self.assertFalse(Note.objects.filter(text="doomed").exists())

    def test_what_a_receiver_wrote_rolls_back_with_the_caller(self):
        def write_something(sender, **kwargs):
            Group.objects.create(name="written by a receiver")

        with (
            connected(post_save, write_something, Note),
            self.assertRaises(KeyError),
            transaction.atomic(),
        ):
            Note.objects.create(text="hello")
            raise KeyError("the caller fails after save()")

        self.assertFalse(Group.objects.filter(name="written by a receiver").exists())


class NoteCountTests(TestCase):
    def setUp(self):
        forget_note_count()
        self.addCleanup(forget_note_count)

    def test_the_count_is_cached(self):
        self.assertEqual(note_count(), 0)
        with self.assertNumQueries(0):
            self.assertEqual(note_count(), 0)

    def test_creating_a_note_refreshes_the_count_after_commit(self):
        self.assertEqual(note_count(), 0)

        with self.captureOnCommitCallbacks(execute=True):
            Note.objects.create(text="Buy milk")

        self.assertEqual(note_count(), 1)

    def test_until_the_commit_the_cache_keeps_the_old_count(self):
        self.assertEqual(note_count(), 0)

        with self.captureOnCommitCallbacks() as callbacks:
            Note.objects.create(text="Buy milk")
            self.assertEqual(note_count(), 0)

        for callback in callbacks:
            callback()
        self.assertEqual(note_count(), 1)

    def test_deleting_a_note_refreshes_the_count(self):
        note = Note.objects.create(text="Buy milk")
        self.assertEqual(note_count(), 1)

        with self.captureOnCommitCallbacks(execute=True):
            note.delete()

        self.assertEqual(note_count(), 0)

    def test_a_rolled_back_save_schedules_nothing(self):
        with (
            self.captureOnCommitCallbacks() as callbacks,
            self.assertRaises(KeyError),
            transaction.atomic(),
        ):
            Note.objects.create(text="Buy milk")
            raise KeyError("the caller fails")

        self.assertEqual(callbacks, [])


class ReceiverOrServiceTests(TestCase):
    """The same side effect, done by a receiver and by a service."""

    def setUp(self):
        forget_note_count()
        self.addCleanup(forget_note_count)

    def test_bulk_create_bypasses_the_receiver(self):
        self.assertEqual(note_count(), 0)

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            Note.objects.bulk_create([Note(text="Call Ada")])

        self.assertEqual(callbacks, [])
        self.assertEqual(note_count(), 0)  # stale: one note exists
        self.assertEqual(Note.objects.count(), 1)

    def test_the_service_keeps_the_count_right(self):
        self.assertEqual(note_count(), 0)

        with self.captureOnCommitCallbacks(execute=True):
            add_notes(["Water plants", "Book train"])

        self.assertEqual(note_count(), 2)

    def test_bulk_create_bypasses_save_too(self):
        Note.objects.bulk_create([Note(text="  padded  ")])

        self.assertEqual(Note.objects.get().text, "  padded  ")

    def test_save_strips_the_text(self):
        self.assertEqual(Note.objects.create(text="  padded  ").text, "padded")

    def test_the_service_strips_the_text_itself(self):
        add_notes(["  padded  "])

        self.assertEqual(Note.objects.get().text, "padded")
