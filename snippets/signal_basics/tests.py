import threading
import time
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_init, post_save
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings

from .models import Note
from .services import NOTE_COUNT_KEY, NOTE_COUNT_TIMEOUT, add_notes, note_count


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

    def test_an_async_receiver_runs_in_another_thread_and_send_waits(self):
        seen = []

        async def on_init(sender, **kwargs):
            seen.append(threading.current_thread())

        with connected(post_init, on_init, Note):
            Note(text="x")

        [thread] = seen  # it has run by the time Note() returns
        self.assertIsNot(thread, threading.current_thread())


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


# Outside TestCase's wrapping transaction, each query commits on its own, as
# it does in a view unless ATOMIC_REQUESTS is on.
class WithoutATransactionTests(TransactionTestCase):
    def setUp(self):
        self.addCleanup(cache.delete, NOTE_COUNT_KEY)

    def test_a_failing_post_save_receiver_cannot_undo_the_committed_row(self):
        def refuse(sender, **kwargs):
            raise ValueError("receiver says no")

        with connected(post_save, refuse, Note), self.assertRaises(ValueError):
            Note.objects.create(text="kept")

        self.assertTrue(Note.objects.filter(text="kept").exists())


class WhatConnectChecksTests(SimpleTestCase):
    """With DEBUG on, connect() checks for **kwargs, and nothing else."""

    def test_debug_on_refuses_a_receiver_without_kwargs_that_names_everything(self):
        def on_save(sender, signal, instance, created, raw, using, update_fields):
            pass

        with (
            override_settings(DEBUG=True),
            self.assertRaisesMessage(ValueError, "must accept keyword arguments"),
        ):
            post_save.connect(on_save, sender=Note)

    def test_debug_off_accepts_it_and_it_breaks_on_a_new_argument(self):
        note_shared = Signal()

        def on_shared(sender, signal, note):
            pass

        with override_settings(DEBUG=False):
            note_shared.connect(on_shared)  # no check at all
        note_shared.send(sender=Note, note="hello")  # fine, for now

        # A later version of the sender adds an argument:
        with self.assertRaisesMessage(TypeError, "unexpected keyword argument 'by'"):
            note_shared.send(sender=Note, note="hello", by="Ada")


class NoteCountTests(TestCase):
    def setUp(self):
        cache.delete(NOTE_COUNT_KEY)
        self.addCleanup(cache.delete, NOTE_COUNT_KEY)

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
        cache.delete(NOTE_COUNT_KEY)
        self.addCleanup(cache.delete, NOTE_COUNT_KEY)

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


@contextmanager
def right_after_the_next_count(write):
    """Run write() once, just after the next COUNT query has returned.

    That is the moment the interleaving needs: a reader has counted the old
    rows and has not yet stored its number.
    """
    real_count = QuerySet.count
    pending = [write]

    def count(queryset):
        result = real_count(queryset)
        if pending:
            pending.pop()()
        return result

    with mock.patch.object(QuerySet, "count", count):
        yield


# Real commits: outside an atomic block each save commits at once, and its
# on_commit callbacks run straight after, as they do in production. A cache
# in this process, whatever your project uses, so that moving time.time()
# forward expires its entries.
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "signal_basics.tests",
        }
    }
)
class CacheRaceTests(TransactionTestCase):
    def setUp(self):
        cache.delete(NOTE_COUNT_KEY)
        self.addCleanup(cache.delete, NOTE_COUNT_KEY)

    def test_a_reader_that_counted_before_a_commit_cannot_cache_a_stale_count(self):
        with right_after_the_next_count(lambda: Note.objects.create(text="new")):
            seen_by_the_reader = note_count()

        self.assertEqual(seen_by_the_reader, 0)  # counted before the commit
        self.assertEqual(Note.objects.count(), 1)
        self.assertEqual(note_count(), 1)

    def test_a_stale_count_lasts_five_minutes_at_most(self):
        self.assertEqual(note_count(), 0)
        Note.objects.bulk_create([Note(text="unseen")])  # no signal: now stale
        self.assertEqual(note_count(), 0)

        self.assertEqual(NOTE_COUNT_TIMEOUT, 5 * 60)
        with mock.patch("time.time", return_value=time.time() + NOTE_COUNT_TIMEOUT):
            self.assertEqual(note_count(), 1)

    def test_two_changes_committed_together_can_leave_the_older_count(self):
        # The first change's callback counts 1; before it stores that number,
        # a second change commits and stores 2. Then the 1 overwrites the 2.
        with right_after_the_next_count(lambda: Note.objects.create(text="second")):
            Note.objects.create(text="first")

        self.assertEqual(Note.objects.count(), 2)
        self.assertEqual(note_count(), 1)  # stale, until the next change...
        with mock.patch("time.time", return_value=time.time() + NOTE_COUNT_TIMEOUT):
            self.assertEqual(note_count(), 2)  # ...or the timeout
