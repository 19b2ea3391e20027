import gc
import weakref
from unittest import skipIf, skipUnless

import django
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User, update_last_login
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import signals
from django.db.models.deletion import Collector
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
)
from django.dispatch import Signal
from django.dispatch.dispatcher import NO_RECEIVERS
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .costly import log_document_deleted, log_every_save
from .models import Document, Folder
from .services import delete_documents, export_folder
from .signals import folder_exported, log_folder_deleted
from .testing import connected

NEW_IN_60 = "Changed in Django 6.0"
NEW_IN_61 = "Changed in Django 6.1"


def query_kinds(action):
    """Run action(); return the kind of each SELECT and DELETE it made."""
    with CaptureQueriesContext(connection) as queries:
        action()
    kinds = [query["sql"].split()[0] for query in queries]
    return [kind for kind in kinds if kind in ("SELECT", "DELETE")]


def ignore(sender, **kwargs):
    """A receiver that does nothing: its being connected is what costs."""


class FastDeleteTests(TestCase):
    def setUp(self):
        self.folder = Folder.objects.create(name="Reports")
        for title in ("Q1", "Q2", "Q3"):
            Document.objects.create(folder=self.folder, title=title)
        self.documents = Document.objects.filter(folder=self.folder)

    def test_without_delete_receivers_a_queryset_delete_is_one_query(self):
        self.assertEqual(query_kinds(self.documents.delete), ["DELETE"])
        self.assertFalse(Document.objects.exists())

    def test_a_post_delete_receiver_loads_every_row_first(self):
        with (
            connected(post_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(self.documents.delete)

        self.assertEqual(kinds, ["SELECT", "DELETE"])
        self.assertEqual(len(logs.output), 3)  # one signal per document

    def test_a_pre_delete_receiver_does_the_same(self):
        with (
            connected(pre_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(self.documents.delete)

        self.assertEqual(kinds, ["SELECT", "DELETE"])
        self.assertEqual(len(logs.output), 3)

    def test_the_slow_path_deletes_the_loaded_rows_by_primary_key(self):
        ids = sorted(self.documents.values_list("pk", flat=True))

        with (
            connected(post_delete, ignore, sender=Document),
            CaptureQueriesContext(connection) as queries,
        ):
            self.documents.delete()

        [delete] = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
        _, _, in_list = delete.partition('."id" IN (')
        self.assertEqual(sorted(int(pk) for pk in in_list[:-1].split(", ")), ids)

    def test_the_collector_asks_the_delete_signals(self):
        collector = Collector(using="default")
        self.assertIs(collector.can_fast_delete(self.documents), True)

        with connected(post_delete, ignore, sender=Document):
            self.assertIs(post_delete.has_listeners(Document), True)
            self.assertIs(collector.can_fast_delete(self.documents), False)

    def test_rows_that_others_point_at_are_never_fast_deleted(self):
        uid = "signal_performance.folder_deleted"
        post_delete.disconnect(sender=Folder, dispatch_uid=uid)
        self.addCleanup(
            post_delete.connect, log_folder_deleted, sender=Folder, dispatch_uid=uid
        )
        self.assertIs(post_delete.has_listeners(Folder), False)

        # Document.folder is a CASCADE: Django must find the documents.
        collector = Collector(using="default")
        self.assertIs(collector.can_fast_delete(Folder.objects.all()), False)

    def test_a_cascade_deletes_documents_in_bulk_without_receivers(self):
        # log_folder_deleted listens for Folder: the documents stay in bulk.
        with self.assertLogs("signal_performance.signals", "INFO") as logs:
            kinds = query_kinds(self.folder.delete)

        self.assertEqual(kinds, ["DELETE", "DELETE"])
        self.assertEqual(
            logs.output, ["INFO:signal_performance.signals:Folder 'Reports' deleted"]
        )
        self.assertFalse(Document.objects.exists())

    def test_a_document_receiver_makes_the_cascade_load_them(self):
        with (
            connected(post_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(self.folder.delete)

        self.assertEqual(kinds, ["SELECT", "DELETE", "DELETE"])
        self.assertEqual(
            sorted(logs.output),
            [
                f"INFO:signal_performance.costly:Document {title!r} deleted"
                for title in ("Q1", "Q2", "Q3")
            ],
        )

    def test_deleting_one_object_costs_no_extra_query(self):
        document = self.documents.get(title="Q1")

        with (
            connected(post_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(document.delete)

        self.assertEqual(kinds, ["DELETE"])
        self.assertEqual(len(logs.output), 1)

    def test_a_receiver_with_no_sender_slows_every_model(self):
        past = timezone.now() - timezone.timedelta(days=1)
        for key in ("a", "b", "c"):
            Session.objects.create(session_key=key, session_data="", expire_date=past)

        with connected(post_delete, ignore):
            self.assertIs(post_delete.has_listeners(Session), True)
            # What `manage.py clearsessions` runs.
            kinds = query_kinds(SessionStore.clear_expired)

        self.assertEqual(kinds, ["SELECT", "DELETE"])
        self.assertFalse(Session.objects.exists())

    def test_clearing_sessions_is_one_query_without_it(self):
        past = timezone.now() - timezone.timedelta(days=1)
        Session.objects.create(session_key="a", session_data="", expire_date=past)

        self.assertEqual(query_kinds(SessionStore.clear_expired), ["DELETE"])

    def test_m2m_changed_receivers_do_not_turn_off_fast_deletes(self):
        with connected(m2m_changed, ignore):
            self.assertEqual(query_kinds(self.documents.delete), ["DELETE"])

    def test_the_service_deletes_in_one_query_and_logs_once(self):
        with self.assertLogs("signal_performance.services", "INFO") as logs:
            kinds = query_kinds(lambda: delete_documents(self.documents))

        self.assertEqual(kinds, ["DELETE"])
        self.assertEqual(
            logs.output, ["INFO:signal_performance.services:Deleted 3 documents"]
        )

    def test_the_service_returns_the_number_of_documents(self):
        self.assertEqual(delete_documents(self.documents.filter(title="Q1")), 1)
        self.assertEqual(delete_documents(self.documents.none()), 0)


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


class CachingTests(SimpleTestCase):
    def setUp(self):
        self.signal = Signal(use_caching=True)  # as the model signals are
        self.first = type("First", (), {})
        self.second = type("Second", (), {})

    def test_model_signals_cache_and_plain_signals_do_not(self):
        for name in ["pre_init", "post_init", "pre_save", "post_save"]:
            self.assertIs(getattr(signals, name).use_caching, True)
        for name in ["pre_delete", "post_delete", "m2m_changed"]:
            self.assertIs(getattr(signals, name).use_caching, True)
        self.assertIs(Signal().use_caching, False)

    def test_sending_fills_the_cache_per_sender(self):
        self.signal.connect(ignore, sender=self.first)
        self.signal.send(sender=self.first)
        self.signal.send(sender=self.second)

        cache = self.signal.sender_receivers_cache
        self.assertEqual(len(cache[self.first]), 1)
        self.assertIs(cache[self.second], NO_RECEIVERS)

    def test_has_listeners_fills_it_too(self):
        self.assertIs(self.signal.has_listeners(self.first), False)

        self.assertIs(self.signal.sender_receivers_cache[self.first], NO_RECEIVERS)

    def test_connect_and_disconnect_empty_the_cache(self):
        self.signal.send(sender=self.first)
        self.signal.connect(ignore, sender=self.second)
        self.assertEqual(len(self.signal.sender_receivers_cache), 0)

        self.signal.send(sender=self.first)
        self.signal.disconnect(ignore, sender=self.second)
        self.assertEqual(len(self.signal.sender_receivers_cache), 0)

    def test_the_cache_forgets_a_sender_that_is_gone(self):
        self.signal.send(sender=self.first)
        del self.first
        gc.collect()

        self.assertEqual(len(self.signal.sender_receivers_cache), 0)

    def test_a_caching_signal_needs_senders_it_can_weakly_reference(self):
        self.assertEqual(self.signal.send(sender=None), [])  # no receivers yet
        self.signal.connect(ignore)

        for sender in (None, "billing"):
            with self.subTest(sender=sender), self.assertRaises(TypeError):
                self.signal.send(sender=sender)

    def test_a_plain_signal_takes_any_sender(self):
        plain = Signal()
        plain.connect(ignore)

        for sender in (None, "billing"):
            self.assertEqual(len(plain.send(sender=sender)), 1)
        self.assertEqual(plain.sender_receivers_cache, {})  # never used

    def test_editing_the_list_by_hand_leaves_the_cache_stale(self):
        self.signal.connect(ignore, sender=self.first)
        self.assertIs(self.signal.has_listeners(self.first), True)

        self.signal.receivers = []

        self.assertIs(self.signal.has_listeners(self.first), True)  # stale

    def test_putting_the_list_back_by_hand_leaves_it_stale_too(self):
        heard = []

        def record(sender, **kwargs):
            heard.append(sender)

        self.signal.connect(record, sender=self.first)
        saved, self.signal.receivers = self.signal.receivers, []
        self.signal.has_listeners(self.first)  # caches "no receivers"
        self.signal.receivers = saved

        self.signal.send(sender=self.first)

        self.assertEqual(heard, [])  # connected, and never called


class HasListenersTests(TestCase):
    def setUp(self):
        self.folder = Folder.objects.create(name="Reports")
        Document.objects.create(folder=self.folder, title="Q2", size=300)
        Document.objects.create(folder=self.folder, title="Q1", size=200)
        self.sent = []

    def record(self, sender, folder, summary, **kwargs):
        self.sent.append((sender, folder, summary))

    def test_with_nobody_listening_the_summary_is_never_built(self):
        with self.assertNumQueries(1):
            titles = export_folder(self.folder)

        self.assertEqual(titles, ["Q1", "Q2"])

    def test_a_receiver_for_folders_gets_the_summary(self):
        with (
            connected(folder_exported, self.record, sender=Folder),
            self.assertNumQueries(2),
        ):
            export_folder(self.folder)

        self.assertEqual(
            self.sent, [(Folder, self.folder, {"count": 2, "total_size": 500})]
        )

    def test_a_receiver_with_no_sender_counts_as_listening(self):
        with connected(folder_exported, self.record), self.assertNumQueries(2):
            export_folder(self.folder)

        self.assertEqual(len(self.sent), 1)

    def test_a_receiver_for_another_sender_does_not(self):
        with (
            connected(folder_exported, self.record, sender=Document),
            self.assertNumQueries(1),
        ):
            export_folder(self.folder)

        self.assertEqual(self.sent, [])

    def test_connected_disconnects_even_when_the_block_fails(self):
        with (
            self.assertRaises(RuntimeError),
            connected(folder_exported, self.record, sender=Folder),
        ):
            raise RuntimeError("the export failed")

        self.assertIs(folder_exported.has_listeners(Folder), False)


class Sender:
    """A sender that can go away: an instance of an ordinary class."""


def an_object_at(address, tries=100_000):
    """A new Sender that CPython placed at `address`, or None.

    The ones at other addresses are kept alive until the end, so each new
    one takes memory that has not been handed out yet.
    """
    others = []
    for _ in range(tries):
        candidate = Sender()
        if id(candidate) == address:
            return candidate
        others.append(candidate)
    return None


# --8<-- [start:sender_lifetime]
class SenderLifetimeTests(SimpleTestCase):
    def setUp(self):
        self.signal, self.heard = Signal(), []

    def record(self, sender, **kwargs):
        self.heard.append(sender)

    def connect_for_a_sender_that_goes_away(self, make_sender):
        sender = make_sender()
        address = id(sender)
        self.signal.connect(self.record, sender=sender)
        del sender
        gc.collect()
        self.signal.has_listeners()  # any look-up tidies the list
        return address

    @skipUnless(django.VERSION >= (6, 0), NEW_IN_60)
    def test_the_receiver_goes_with_its_sender(self):
        for make_sender in (Sender, lambda: type("Temporary", (), {})):
            with self.subTest(make_sender=make_sender):
                self.connect_for_a_sender_that_goes_away(make_sender)

                self.assertEqual(self.signal.receivers, [])

    @skipIf(django.VERSION >= (6, 0), NEW_IN_60)
    def test_before_django_60_the_receiver_stays(self):
        for make_sender in (Sender, lambda: type("Temporary", (), {})):
            with self.subTest(make_sender=make_sender):
                self.connect_for_a_sender_that_goes_away(make_sender)

                self.assertEqual(len(self.signal.receivers), 1)
                self.signal.receivers.clear()

    @skipUnless(django.VERSION >= (6, 0), NEW_IN_60)
    def test_a_new_object_at_the_same_address_hears_nothing(self):
        address = self.connect_for_a_sender_that_goes_away(Sender)
        newcomer = an_object_at(address)
        if newcomer is None:
            self.skipTest("Python did not reuse the address")

        self.signal.send(sender=newcomer)

        self.assertEqual(self.heard, [])

    @skipIf(django.VERSION >= (6, 0), NEW_IN_60)
    def test_before_django_60_it_gets_the_old_senders_receivers(self):
        address = self.connect_for_a_sender_that_goes_away(Sender)
        newcomer = an_object_at(address)
        if newcomer is None:
            self.skipTest("Python did not reuse the address")

        self.signal.send(sender=newcomer)

        self.assertEqual(self.heard, [newcomer])

    def test_a_sender_without_weak_references_keeps_its_receivers(self):
        self.signal.connect(self.record, sender="sensor-1")
        gc.collect()

        self.signal.send(sender="sensor-1")

        self.assertEqual(self.heard, ["sensor-1"])


# --8<-- [end:sender_lifetime]


# --8<-- [start:receivers_shape]
def read_the_52_way(signal):
    """A test helper written for Django 5.2: three fields per entry."""
    return [ref() for (_key, ref, _is_async) in signal.receivers]


class ReceiversShapeTests(SimpleTestCase):
    def setUp(self):
        self.signal = Signal()
        self.signal.connect(ignore, sender=Sender)
        [self.entry] = self.signal.receivers

    def test_the_first_two_fields_are_the_same_on_every_version(self):
        key, receiver, *_ = self.entry

        self.assertEqual(key, (id(ignore), id(Sender)))
        self.assertIs(receiver(), ignore)

    @skipUnless(django.VERSION >= (6, 0), NEW_IN_60)
    def test_an_entry_has_four_fields(self):
        _key, _receiver, sender_ref, is_async = self.entry

        self.assertIs(sender_ref(), Sender)  # a weak reference to the sender
        self.assertIs(is_async, False)
        with self.assertRaisesMessage(ValueError, "too many values to unpack"):
            read_the_52_way(self.signal)

    @skipIf(django.VERSION >= (6, 0), NEW_IN_60)
    def test_before_django_60_an_entry_has_three(self):
        _key, _receiver, is_async = self.entry

        self.assertIs(is_async, False)
        self.assertEqual(read_the_52_way(self.signal), [ignore])

    @skipUnless(django.VERSION >= (6, 0), NEW_IN_60)
    def test_no_sender_reference_without_a_sender_or_a_weak_one(self):
        self.signal.connect(ignore)
        self.signal.connect(ignore, sender="sensor-1")

        _with_sender, no_sender, string_sender = self.signal.receivers
        self.assertIsNone(no_sender[2])
        self.assertIsNone(string_sender[2])

    def test_a_dispatch_uid_replaces_the_receivers_id_in_the_key(self):
        self.signal.connect(ignore, sender=Folder, dispatch_uid="billing.ignore")

        self.assertEqual(self.signal.receivers[-1][0], ("billing.ignore", id(Folder)))

    def test_weak_false_stores_the_function_itself(self):
        self.signal.connect(ignore, weak=False)

        self.assertIs(self.signal.receivers[-1][1], ignore)

    def test_connected_works_on_every_version(self):
        with connected(self.signal, ignore, sender=Folder):
            self.assertIs(self.signal.has_listeners(Folder), True)

        self.assertIs(self.signal.has_listeners(Folder), False)

    def test_the_private_clean_up_method_was_renamed_in_django_60(self):
        renamed = django.VERSION >= (6, 0)

        self.assertIs(hasattr(Signal, "_flag_dead_receivers"), renamed)
        self.assertIs(hasattr(Signal, "_remove_receiver"), not renamed)


# --8<-- [end:receivers_shape]


# --8<-- [start:finalizers]
def finalizers_of(signal):
    """How many weakref.finalize objects call back into `signal`."""
    gc.collect()
    # type(), not isinstance(): isinstance() asks a lazy object for __class__,
    # which evaluates it (a reverse_lazy() URL, say) in the middle of the count.
    found = (thing for thing in gc.get_objects() if type(thing) is weakref.finalize)
    callbacks = [info[1] for info in (f.peek() for f in found) if info]
    return sum(getattr(callback, "__self__", None) is signal for callback in callbacks)


class FinalizerTests(SimpleTestCase):
    def test_connect_and_disconnect_in_a_loop(self):
        signal = Signal()

        def record(sender, **kwargs):
            pass

        for _ in range(20):
            signal.connect(record)
            signal.disconnect(record)

        expected = 0 if django.VERSION >= (6, 1) else 20
        self.assertEqual(finalizers_of(signal), expected)

    def test_even_an_ignored_duplicate_connect_added_one(self):
        signal = Signal()

        def record(sender, **kwargs):
            pass

        for _ in range(3):
            signal.connect(record)

        self.assertEqual(len(signal.receivers), 1)
        self.assertEqual(finalizers_of(signal), 0 if django.VERSION >= (6, 1) else 3)

    def test_a_signal_with_a_live_receiver_can_be_collected(self):
        signal = Signal()
        signal.connect(ignore)  # a module-level function: it stays alive
        still_there = weakref.ref(signal)

        del signal
        gc.collect()

        if django.VERSION >= (6, 1):
            self.assertIsNone(still_there())
        else:  # a finalizer holds the signal until `ignore` goes
            self.assertIsNotNone(still_there())


# --8<-- [end:finalizers]


class AsyncOrderTests(SimpleTestCase):
    async def test_asend_order_of_sync_and_async_receivers(self):
        signal, order = Signal(), []

        def sync_receiver(sender, **kwargs):
            order.append("sync")

        async def async_receiver(sender, **kwargs):
            order.append("async")

        with connected(signal, sync_receiver), connected(signal, async_receiver):
            await signal.asend(sender=None)

        expected = ["sync", "async"] if django.VERSION >= (6, 1) else ["async", "sync"]
        self.assertEqual(order, expected)


class ConnectedHelperTests(SimpleTestCase):
    def test_connected_holds_the_receiver_itself_not_a_weak_reference(self):
        signal = Signal()

        with connected(signal, ignore):
            self.assertIs(signal.receivers[0][1], ignore)

    def test_connected_in_a_loop_leaves_no_finalizer_on_any_version(self):
        # Unlike connect() and disconnect() in a loop before Django 6.1.
        signal = Signal()

        for _ in range(20):
            with connected(signal, ignore):
                pass

        self.assertEqual(finalizers_of(signal), 0)

    def test_the_sender_must_be_passed_by_name(self):
        # connected(signal, receiver, Folder) would read as a third receiver.
        with self.assertRaises(TypeError):
            connected(folder_exported, ignore, Folder)
