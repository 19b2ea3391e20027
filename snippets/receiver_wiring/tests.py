import gc
import importlib.util
import subprocess
import sys
import weakref
from functools import partial
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db.models import signals
from django.db.models.signals import ModelSignal, post_delete, post_save
from django.dispatch import Signal, receiver
from django.test import TestCase, override_settings
from django.utils.inspect import func_accepts_kwargs

from .apps import ReceiverWiringConfig
from .models import Book, Magazine
from .signals import log_magazine_deleted

FORGOTTEN = Path(__file__).with_name("forgotten.py")
WITH_UID = "receiver_wiring.with_uid"


def messages(logs, text):
    """The captured log lines that contain `text`."""
    return [line for line in logs.output if text in line]


class ReceiverDecoratorTests(TestCase):
    def test_the_decorator_returns_the_function_unchanged(self):
        shelf_checked = Signal()

        def record(sender, **kwargs):
            pass

        self.assertIs(receiver(shelf_checked)(record), record)
        self.assertIs(shelf_checked.disconnect(record), True)

    def test_one_receiver_hears_every_signal_in_its_list(self):
        with self.assertLogs("receiver_wiring.signals", "INFO") as logs:
            book = Book.objects.create(title="Dune")
            book.delete()

        self.assertEqual(
            messages(logs, "Book"),
            [
                "INFO:receiver_wiring.signals:Book 'Dune' saved",
                "INFO:receiver_wiring.signals:Book 'Dune' deleted",
            ],
        )

    def test_a_sender_class_filters_out_other_models(self):
        with self.assertLogs("receiver_wiring.signals", "INFO") as logs:
            Magazine.objects.create(title="Wired")

        self.assertEqual(messages(logs, "Book"), [])

    def test_a_lazy_app_label_model_string_names_the_sender(self):
        with self.assertLogs("receiver_wiring.signals", "INFO") as logs:
            Magazine.objects.create(title="Wired")
            Book.objects.create(title="Dune")

        self.assertEqual(
            messages(logs, "Magazine"),
            ["INFO:receiver_wiring.signals:Magazine 'Wired' saved (created=True)"],
        )

    def test_a_plain_signal_treats_the_string_as_an_ordinary_sender(self):
        heard = []
        shelf_checked = Signal()

        def record(sender, **kwargs):
            heard.append(sender)

        shelf_checked.connect(record, sender="receiver_wiring.Book")
        shelf_checked.send(sender=Book)

        self.assertEqual(heard, [])

    def test_only_the_seven_model_signals_accept_the_string_form(self):
        model_signals = sorted(
            name for name, obj in vars(signals).items() if isinstance(obj, ModelSignal)
        )

        self.assertEqual(
            model_signals,
            [
                "m2m_changed",
                "post_delete",
                "post_init",
                "post_save",
                "pre_delete",
                "pre_init",
                "pre_save",
            ],
        )

    def test_a_typo_in_the_lazy_sender_is_reported_by_the_system_checks(self):
        def never_runs(sender, **kwargs):
            pass

        post_save.connect(never_runs, sender="receiver_wiring.Magzine")
        try:
            # No database: these checks need none, and a test may query
            # only the databases it declares.
            errors = checks.run_checks(tags=[checks.Tags.models], databases=[])
        finally:
            # The registry has no public way to forget a pending lazy sender.
            apps._pending_operations.pop(("receiver_wiring", "magzine"), None)

        [error] = [e for e in errors if e.id == "signals.E001"]
        self.assertIn("'never_runs'", error.msg)
        self.assertIn("doesn't provide model 'magzine'", error.msg)


class ConnectAndDisconnectTests(TestCase):
    def test_ready_connected_the_magazine_delete_receiver(self):
        magazine = Magazine.objects.create(title="Wired")

        with self.assertLogs("receiver_wiring.signals", "INFO") as logs:
            magazine.delete()

        self.assertEqual(
            logs.output, ["INFO:receiver_wiring.signals:Magazine 'Wired' deleted"]
        )

    def test_disconnect_says_whether_it_removed_anything(self):
        def record(sender, **kwargs):
            pass

        post_save.connect(record, sender=Book)

        self.assertIs(post_save.disconnect(record, sender=Book), True)
        self.assertIs(post_save.disconnect(record, sender=Book), False)

    def test_disconnect_needs_the_sender_it_was_connected_with(self):
        def record(sender, **kwargs):
            pass

        post_save.connect(record, sender=Book)
        self.addCleanup(post_save.disconnect, record, sender=Book)

        self.assertIs(post_save.disconnect(record), False)

    def test_disconnect_needs_the_dispatch_uid_it_was_connected_with(self):
        uid = "receiver_wiring.log_magazine_deleted"
        magazine = Magazine.objects.create(title="Wired")

        by_function = post_delete.disconnect(log_magazine_deleted, sender=Magazine)
        by_uid = post_delete.disconnect(sender=Magazine, dispatch_uid=uid)

        self.assertEqual((by_function, by_uid), (False, True))
        self.addCleanup(
            post_delete.connect, log_magazine_deleted, sender=Magazine, dispatch_uid=uid
        )
        with self.assertNoLogs("receiver_wiring.signals", "INFO"):
            magazine.delete()

    def test_disconnect_with_a_lazy_sender_returns_none_but_disconnects(self):
        heard = []

        def record(sender, instance, **kwargs):
            heard.append(instance.title)

        post_save.connect(record, sender="receiver_wiring.Book")
        Book.objects.create(title="Dune")

        self.assertIsNone(post_save.disconnect(record, sender="receiver_wiring.Book"))
        Book.objects.create(title="Emma")
        self.assertEqual(heard, ["Dune"])


class DuplicateReceiverTests(TestCase):
    def import_forgotten(self, name):
        """Import forgotten.py as a module called `name`, as a second
        sys.path entry or a mistyped import path would."""
        spec = importlib.util.spec_from_file_location(name, FORGOTTEN)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.disconnect_later(module)
        return module

    def run_module_again(self, module):
        """What importlib.reload() does: run the file again in the same module."""
        module.__spec__.loader.exec_module(module)
        self.disconnect_later(module)

    def disconnect_later(self, module):
        receiver = weakref.ref(module.without_uid)

        def disconnect():
            if receiver() is not None:
                post_save.disconnect(receiver(), sender=Magazine)
            post_save.disconnect(sender=Magazine, dispatch_uid=WITH_UID)

        self.addCleanup(disconnect)

    def times_heard(self, title):
        """Save a magazine; return how often each forgotten receiver heard it."""
        with self.assertLogs("receiver_wiring", "INFO") as logs:
            Magazine.objects.create(title=title)
        return (
            len(messages(logs, "without_uid heard")),
            len(messages(logs, "with_uid heard")),
        )

    def test_connecting_the_same_function_twice_keeps_one(self):
        heard = []

        def record(sender, instance, **kwargs):
            heard.append(instance.title)

        post_save.connect(record, sender=Book)
        post_save.connect(record, sender=Book)
        self.addCleanup(post_save.disconnect, record, sender=Book)
        Book.objects.create(title="Dune")

        self.assertEqual(heard, ["Dune"])

    def test_receivers_in_a_module_nobody_imports_never_run(self):
        self.assertNotIn("receiver_wiring.forgotten", sys.modules)

        self.assertEqual(self.times_heard("Wired"), (0, 0))

    def test_importing_the_module_connects_its_receivers(self):
        self.import_forgotten("receiver_wiring.forgotten")

        self.assertEqual(self.times_heard("Wired"), (1, 1))

    def test_a_module_imported_under_two_names_connects_twice_without_uid(self):
        first = self.import_forgotten("receiver_wiring.forgotten")
        second = self.import_forgotten("receiver_wiring.forgotten_copy")

        self.assertIsNot(first.without_uid, second.without_uid)
        self.assertEqual(self.times_heard("Wired"), (2, 1))

    def reload_with(self, debug_at_import, debug_at_reload):
        """Import forgotten.py, run it again in the same module as
        importlib.reload() would, and count who hears a saved magazine."""
        with override_settings(DEBUG=debug_at_import):
            module = self.import_forgotten("receiver_wiring.forgotten")
        with override_settings(DEBUG=debug_at_reload):
            self.run_module_again(module)
        gc.collect()
        return self.times_heard("Wired")

    def test_a_reload_after_an_import_with_debug_on_keeps_the_old_functions(self):
        # The old functions live on in the kwargs check's cache: without_uid
        # runs twice (old and new), with_uid once (the old one).
        self.assertEqual(self.reload_with(True, True), (2, 1))

    def test_a_reload_after_an_import_with_debug_off_loses_the_old_functions(self):
        # without_uid: the old function is gone, the new one is connected.
        # with_uid: the new function was refused (the uid was taken by the
        # old one), then the old one was collected: nothing is left.
        self.assertEqual(self.reload_with(False, False), (1, 0))

    def test_debug_at_the_reload_changes_nothing(self):
        # Only the first import can have put the old functions in the cache.
        self.assertEqual(self.reload_with(True, False), (2, 1))

    def test_debug_at_the_reload_cannot_save_the_old_functions(self):
        self.assertEqual(self.reload_with(False, True), (1, 0))


titles_heard = []

# A receiver connected with DEBUG on, then 512 other callables inspected.
EVICTION_SCRIPT = """
import gc
from django.conf import settings
from django.dispatch import Signal, receiver
from django.utils.inspect import func_accepts_kwargs

settings.configure(DEBUG=True)
ping = Signal()


def connect_a_local_function():
    def on_ping(sender, **kwargs):
        print(sender)

    ping.connect(on_ping)


connect_a_local_function()
gc.collect()
ping.send(sender="before")
for _ in range(511):
    func_accepts_kwargs(lambda **kwargs: None)
gc.collect()
ping.send(sender="cache-full")
func_accepts_kwargs(lambda **kwargs: None)
gc.collect()
ping.send(sender="one-more")
"""


def record_title(sender, instance, **kwargs):
    titles_heard.append(instance.title)


def connect_a_local_function(**options):
    """The mistake: the receiver lives only as long as this call."""

    def remember(sender, instance, **kwargs):
        titles_heard.append(instance.title)

    post_save.connect(remember, sender=Book, dispatch_uid="test.remember", **options)


class WeakReferenceTests(TestCase):
    def setUp(self):
        titles_heard.clear()
        self.addCleanup(post_save.disconnect, sender=Book, dispatch_uid="test.remember")

    def save_a_book(self):
        gc.collect()
        Book.objects.create(title="Dune")
        return titles_heard

    def test_a_local_function_is_dropped_with_debug_off(self):
        with override_settings(DEBUG=False):
            connect_a_local_function()

        self.assertEqual(self.save_a_book(), [])

    def test_debug_on_keeps_the_local_function_alive(self):
        with override_settings(DEBUG=True):
            connect_a_local_function()

        self.assertEqual(self.save_a_book(), ["Dune"])

    def test_the_kwargs_check_cache_is_what_keeps_it_alive(self):
        def remember(sender, instance, **kwargs):
            titles_heard.append(instance.title)

        # What connect() does when DEBUG is on, done by hand with DEBUG off.
        self.assertTrue(func_accepts_kwargs(remember))
        post_save.connect(remember, sender=Book, dispatch_uid="test.remember")
        del remember

        self.assertEqual(self.save_a_book(), ["Dune"])

    def test_debug_on_only_delays_the_loss(self):
        # In a fresh interpreter, because evicting entries from the shared
        # cache here would drop other apps' receivers kept alive by it.
        result = subprocess.run(
            [sys.executable, "-c", EVICTION_SCRIPT],
            capture_output=True,
            text=True,
            check=True,
        )

        self.assertEqual(result.stdout.split(), ["before", "cache-full"])

    def test_lambdas_and_partials_are_dropped_too(self):
        candidates = {
            "lambda": lambda sender, **kwargs: record_title(sender, **kwargs),
            "partial": partial(record_title),
        }
        for kind in list(candidates):
            with self.subTest(kind):
                with override_settings(DEBUG=False):
                    post_save.connect(
                        candidates.pop(kind), sender=Book, dispatch_uid="test.remember"
                    )

                self.assertEqual(self.save_a_book(), [])

    def test_a_method_of_a_dropped_object_goes_even_with_debug_on(self):
        class Listener:
            def remember(self, sender, instance, **kwargs):
                titles_heard.append(instance.title)

        with override_settings(DEBUG=True):
            post_save.connect(
                Listener().remember, sender=Book, dispatch_uid="test.remember"
            )

        self.assertEqual(self.save_a_book(), [])

    def test_weak_false_keeps_the_receiver(self):
        with override_settings(DEBUG=False):
            connect_a_local_function(weak=False)

        self.assertEqual(self.save_a_book(), ["Dune"])

    def test_debug_on_rejects_a_receiver_without_kwargs(self):
        def no_kwargs(sender):
            pass

        with (
            override_settings(DEBUG=True),
            self.assertRaisesMessage(ValueError, "must accept keyword arguments"),
        ):
            post_save.connect(no_kwargs, sender=Book)

    def test_debug_on_rejects_what_cannot_be_called(self):
        with (
            override_settings(DEBUG=True),
            self.assertRaisesMessage(TypeError, "must be callable"),
        ):
            post_save.connect("not a function", sender=Book)

    def test_debug_off_does_not_check_the_receiver(self):
        def no_kwargs(sender):
            pass

        with override_settings(DEBUG=False):
            post_save.connect(no_kwargs, sender=Book)

        self.assertIs(post_save.disconnect(no_kwargs, sender=Book), True)


class WhereToConnectTests(TestCase):
    def test_settings_list_the_bare_app_name(self):
        entries = [a for a in settings.INSTALLED_APPS if a.startswith("receiver_")]

        self.assertEqual(entries, ["receiver_wiring"])

    def test_django_found_the_app_config_in_apps_py(self):
        self.assertIsInstance(
            apps.get_app_config("receiver_wiring"), ReceiverWiringConfig
        )

    def test_running_ready_again_connects_nothing_twice(self):
        apps.get_app_config("receiver_wiring").ready()
        magazine = Magazine.objects.create(title="Wired")

        with self.assertLogs("receiver_wiring.signals", "INFO") as logs:
            magazine.delete()

        self.assertEqual(len(logs.output), 1)


class HasListenersTests(TestCase):
    def test_model_signal_with_a_receiver_for_the_sender(self):
        self.assertIs(post_save.has_listeners(Book), True)

    def test_has_listeners_checks_one_sender(self):
        shelf_checked = Signal()

        def record(sender, **kwargs):
            pass

        self.assertIs(shelf_checked.has_listeners(), False)
        shelf_checked.connect(record, sender=Book)

        self.assertIs(shelf_checked.has_listeners(Book), True)
        self.assertIs(shelf_checked.has_listeners(Magazine), False)
        # No sender means "receivers connected without a sender" only.
        self.assertIs(shelf_checked.has_listeners(), False)

    def test_a_receiver_without_a_sender_hears_every_sender(self):
        heard = []
        shelf_checked = Signal()

        def record(sender, **kwargs):
            heard.append(sender)

        shelf_checked.connect(record)
        shelf_checked.send(sender=Book)
        shelf_checked.send(sender=Magazine)

        self.assertEqual(heard, [Book, Magazine])
        self.assertIs(shelf_checked.has_listeners(), True)
        self.assertIs(shelf_checked.has_listeners(Magazine), True)
