"""A receiver only the signal holds, weakly, is collected once DEBUG is off."""

import gc

from django.conf import settings
from django.dispatch import Signal
from django.test import SimpleTestCase, override_settings

from .. import broken, counting
from ..models import Document


# --8<-- [start:weak]
class WeakReceiverTests(SimpleTestCase):
    def test_tests_run_with_debug_off(self):
        self.assertIs(settings.DEBUG, False)  # whatever the settings file says

    def send_after_collection(self, signal):
        gc.collect()  # CPython frees it at once anyway; this makes sure
        signal.send(sender=Document)

    @override_settings(DEBUG=False)
    def test_with_debug_off_the_local_receiver_is_collected(self):
        signal = Signal()
        sends = broken.start_counting(signal)

        self.send_after_collection(signal)

        self.assertEqual(sends, [])  # it stopped counting, silently

    @override_settings(DEBUG=True)
    def test_with_debug_on_the_same_code_seems_to_work(self):
        signal = Signal()
        sends = broken.start_counting(signal)

        self.send_after_collection(signal)

        self.assertEqual(sends, [Document])

    @override_settings(DEBUG=False)
    def test_weak_false_keeps_it_until_stop(self):
        signal = Signal()
        sends, stop = counting.start_counting(signal)

        self.send_after_collection(signal)
        stop()
        self.send_after_collection(signal)

        self.assertEqual(sends, [Document])

    @override_settings(DEBUG=False)
    def test_weak_false_keeps_counting_if_stop_is_thrown_away(self):
        signal = Signal()
        sends = counting.start_counting(signal)[0]  # stop() is lost: a leak

        self.send_after_collection(signal)

        self.assertEqual(sends, [Document])


# --8<-- [end:weak]
