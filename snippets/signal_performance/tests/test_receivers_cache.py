"""The per-sender receivers cache, and has_listeners() to skip costly work."""

import gc

from django.db.models import signals
from django.dispatch import Signal
from django.dispatch.dispatcher import NO_RECEIVERS
from django.test import SimpleTestCase, TestCase

from ..models import Document, Folder
from ..services import export_folder
from ..signals import folder_exported
from ..testing import connected
from .helpers import ignore


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
