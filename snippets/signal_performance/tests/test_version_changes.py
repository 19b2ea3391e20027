"""What changed inside Signal in Django 6.0 and 6.1, and a helper for every version."""

import gc
import weakref
from unittest import skipIf, skipUnless

import django
from django.dispatch import Signal
from django.test import SimpleTestCase

from ..models import Folder
from ..signals import folder_exported
from ..testing import connected
from .helpers import ignore

NEW_IN_60 = "Changed in Django 6.0"
NEW_IN_61 = "Changed in Django 6.1"


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
