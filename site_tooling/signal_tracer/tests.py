import gc
import importlib
from unittest import mock

import django
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db.models.deletion import Collector
from django.db.models.signals import post_save
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase

from . import tracer
from .tracer import builtin_signals, describe, trace_signals

User = get_user_model()


class TraceSignalsTests(TestCase):
    def test_records_every_send_in_order(self):
        with trace_signals() as trace:
            User(username="ada").save()

        self.assertEqual(
            [send.signal for send in trace.sent_by("auth.User")],
            ["pre_init", "post_init", "pre_save", "post_save"],
        )

    def test_records_sender_and_keyword_arguments_but_not_signal(self):
        with trace_signals() as trace:
            User(username="ada").save()

        [send] = [s for s in trace.sent_by("auth.User") if s.signal == "post_save"]
        self.assertEqual(
            send.kwargs,
            {
                "instance": "<auth.User>",
                "created": "True",
                "update_fields": "None",
                "raw": "False",
                "using": "'default'",
            },
        )

    def test_extra_signals_are_recorded_under_the_name_given(self):
        order_paid = Signal()

        with trace_signals(order_paid=order_paid) as trace:
            order_paid.send(sender=None, amount=3)

        self.assertEqual(str(trace), "order_paid(sender=None, amount=3)")

    def test_your_own_signals_are_recorded_only_when_passed_in(self):
        order_paid = Signal()

        with trace_signals() as trace:
            order_paid.send(sender=None)

        self.assertNotIn("order_paid", trace.names())

    def test_a_send_is_recorded_after_what_earlier_receivers_send(self):
        order_paid, receipt_sent = Signal(), Signal()

        def send_receipt(sender, **kwargs):
            receipt_sent.send(sender=sender)

        # Connected before the trace starts, so it runs before the recorder.
        order_paid.connect(send_receipt)
        extra = {"order_paid": order_paid, "receipt_sent": receipt_sent}
        try:
            with trace_signals(**extra) as trace:
                order_paid.send(sender=None)
        finally:
            order_paid.disconnect(send_receipt)

        self.assertEqual(trace.names(), ["receipt_sent", "order_paid"])

    def test_record_first_records_a_send_before_what_its_receivers_send(self):
        order_paid, receipt_sent = Signal(), Signal()

        def send_receipt(sender, **kwargs):
            receipt_sent.send(sender=sender)

        order_paid.connect(send_receipt)
        extra = {"order_paid": order_paid, "receipt_sent": receipt_sent}
        try:
            with trace_signals(record_first=True, **extra) as trace:
                order_paid.send(sender=None)
        finally:
            order_paid.disconnect(send_receipt)

        self.assertEqual(trace.names(), ["order_paid", "receipt_sent"])

    def test_record_first_leaves_the_other_receivers_in_their_order(self):
        order_paid, calls = Signal(), []

        def first(sender, **kwargs):
            calls.append("first")

        def second(sender, **kwargs):
            calls.append("second")

        order_paid.connect(first)
        order_paid.connect(second)
        with trace_signals(record_first=True, order_paid=order_paid):
            order_paid.send(sender=None)

        self.assertEqual(calls, ["first", "second"])
        self.assertEqual(len(order_paid.receivers), 2)

    def test_record_first_works_for_model_signals_that_cache_receivers(self):
        # post_save remembers its receivers per sender; creating a user first
        # fills that memory, which must not keep the old order.
        welcomed = Signal()

        def welcome(sender, **kwargs):
            welcomed.send(sender=sender)

        post_save.connect(welcome, sender=User)
        try:
            User.objects.create_user("grace")
            with trace_signals(record_first=True, welcomed=welcomed) as trace:
                User.objects.create_user("ada")
        finally:
            post_save.disconnect(welcome, sender=User)

        own = [s.signal for s in trace if s.sender == "auth.User"]
        self.assertEqual(own[-2:], ["post_save", "welcomed"])

    def test_every_receiver_is_disconnected_on_exit(self):
        before = len(post_save.receivers)

        with trace_signals() as trace:
            self.assertEqual(len(post_save.receivers), before + 1)
        User.objects.create_user("ada")

        self.assertEqual(len(post_save.receivers), before)
        self.assertEqual(trace, [])

    def test_every_receiver_is_disconnected_when_the_block_raises(self):
        before = len(post_save.receivers)

        with self.assertRaises(ValueError), trace_signals():
            raise ValueError("boom")

        self.assertEqual(len(post_save.receivers), before)

    def test_recorders_survive_garbage_collection_inside_the_block(self):
        order_paid = Signal()

        with trace_signals(order_paid=order_paid) as trace:
            gc.collect()
            order_paid.send(sender=None)

        self.assertEqual(trace.names(), ["order_paid"])

    def test_describing_an_instance_runs_no_query(self):
        User.objects.create_user("ada")

        # str() of a user with a deferred username would load it: a query.
        with self.assertNumQueries(1), trace_signals() as trace:
            [user] = User.objects.only("pk")

        self.assertEqual(trace.of("post_init")[0].kwargs, {"instance": "<auth.User>"})
        self.assertIn("username", user.get_deferred_fields())

    def test_a_trace_turns_off_fast_deletes(self):
        # With nobody listening, Django deletes sessions with one query and
        # loads nothing; a trace listens to every model, so it loads them all.
        sessions = Session.objects.all()
        self.assertTrue(Collector(using="default").can_fast_delete(sessions))

        with trace_signals():
            self.assertFalse(Collector(using="default").can_fast_delete(sessions))


class DescribeTests(SimpleTestCase):
    def test_values_are_short_stable_and_free_of_addresses(self):
        cases = [
            (User, "auth.User"),
            (Signal, "Signal"),
            ("default", "'default'"),
            (None, "None"),
            (frozenset({"name", "email"}), "frozenset({'email', 'name'})"),
            ({3, 1, 2}, "{1, 2, 3}"),
            ((), "()"),
            ({"username": "ada"}, "{'username': 'ada'}"),
            (list(range(10)), "<list of 10 items>"),
            ("x" * 100, repr("x" * 57) + "..."),
            (object(), "<object>"),
        ]
        for value, expected in cases:
            with self.subTest(expected=expected):
                self.assertEqual(describe(value), expected)


class BuiltinSignalsTests(SimpleTestCase):
    def found(self):
        return {(s.name, s.module) for s in builtin_signals()}

    def test_each_signal_is_listed_under_the_module_that_creates_it(self):
        # django.test.signals imports setting_changed; it is created in core.
        self.assertIn(("setting_changed", "django.core.signals"), self.found())
        self.assertNotIn(("setting_changed", "django.test.signals"), self.found())
        self.assertIn(("post_save", "django.db.models.signals"), self.found())

    def test_the_undocumented_autoreload_signals_are_found(self):
        self.assertLessEqual(
            {
                ("autoreload_started", "django.utils.autoreload"),
                ("file_changed", "django.utils.autoreload"),
            },
            self.found(),
        )

    def test_the_tasks_signals_are_found_on_django_6(self):
        tasks = {
            (name, "django.tasks.signals")
            for name in ("task_enqueued", "task_started", "task_finished")
        }
        if django.VERSION >= (6, 0):
            self.assertLessEqual(tasks, self.found())
        else:
            self.assertFalse(tasks & self.found())

    def test_a_module_that_fails_to_import_is_skipped(self):
        real_import = importlib.import_module

        def import_module(name, *args):
            if name == "django.core.signals":
                raise ImproperlyConfigured("pretend a dependency is missing")
            return real_import(name, *args)

        with mock.patch.object(tracer.importlib, "import_module", import_module):
            names = {s.name for s in tracer.builtin_signals.__wrapped__()}

        self.assertNotIn("request_started", names)
        self.assertIn("post_save", names)
