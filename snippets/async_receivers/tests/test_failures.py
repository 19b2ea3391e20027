"""When receivers raise: what send() and asend() raise, what robust returns."""

import asyncio
import threading
from unittest import skipIf, skipUnless

import django
from django.dispatch import Signal
from django.test import SimpleTestCase

from .helpers import connected

GROUPS_IN_61 = "Django 6.1 runs async receivers in an asyncio.TaskGroup"
FIRST_IN_52 = "Django 5.2 ran async receivers with asyncio.gather()"


# --8<-- [start:failures]
async def spam_check(sender, **kwargs):
    raise ValueError("looks like spam")


async def style_check(sender, **kwargs):
    raise ValueError("too many capitals")


async def checks_that_failed(signal):
    """What to write: except* takes a ValueError alone or in a group."""
    failures = []
    try:
        await signal.asend(sender=None)
    except* ValueError as group:  # no return allowed in here, hence the list
        failures.extend(str(error) for error in group.exceptions)
    return failures


class SeveralFailingReceiversTests(SimpleTestCase):
    def setUp(self):
        self.signal = Signal()

    async def test_except_star_catches_a_single_failure_on_every_version(self):
        with connected(self.signal, spam_check):
            self.assertEqual(await checks_that_failed(self.signal), ["looks like spam"])

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    async def test_two_failures_raise_an_exception_group_on_django_61(self):
        with connected(self.signal, spam_check, style_check):
            with self.assertRaises(ExceptionGroup) as raised:
                await self.signal.asend(sender=None)
            failures = await checks_that_failed(self.signal)

        self.assertNotIsInstance(raised.exception, ValueError)  # missed by except
        self.assertEqual(failures, ["looks like spam", "too many capitals"])

    @skipIf(django.VERSION >= (6, 1), FIRST_IN_52)
    async def test_two_failures_raise_the_first_one_on_django_52(self):
        with connected(self.signal, spam_check, style_check):
            with self.assertRaisesMessage(ValueError, "looks like spam"):
                await self.signal.asend(sender=None)
            failures = await checks_that_failed(self.signal)

        self.assertEqual(failures, ["looks like spam"])  # the other one is lost


# --8<-- [end:failures]


def check_the_length(sender, **kwargs):
    raise TypeError("a sync check failed")


class WhatSendRaisesTests(SimpleTestCase):
    """send() runs the async receivers through async_to_sync(): the same rules."""

    def setUp(self):
        self.signal = Signal()

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    def test_two_failures_raise_an_exception_group_on_django_61(self):
        with (
            connected(self.signal, spam_check, style_check),
            self.assertRaises(ExceptionGroup) as raised,
        ):
            self.signal.send(sender=None)

        self.assertEqual(
            [str(error) for error in raised.exception.exceptions],
            ["looks like spam", "too many capitals"],
        )

    @skipIf(django.VERSION >= (6, 1), FIRST_IN_52)
    def test_two_failures_raise_the_first_one_on_django_52(self):
        with (
            connected(self.signal, spam_check, style_check),
            self.assertRaisesMessage(ValueError, "looks like spam"),
        ):
            self.signal.send(sender=None)

    def test_one_failure_is_not_wrapped_in_a_group_on_every_version(self):
        with (
            connected(self.signal, spam_check),
            self.assertRaisesMessage(ValueError, "looks like spam"),
        ):
            self.signal.send(sender=None)

    def test_a_failing_sync_receiver_stops_everything_on_every_version(self):
        ran = []

        async def note(sender, **kwargs):
            ran.append("async receiver")

        with (
            connected(self.signal, check_the_length, note, spam_check),
            self.assertRaisesMessage(TypeError, "a sync check failed"),
        ):
            self.signal.send(sender=None)

        self.assertEqual(ran, [])  # the sync group runs first, and it raised


class WhatAsendRaisesTests(SimpleTestCase):
    def setUp(self):
        self.signal, self.log = Signal(), []

    async def note(self, sender, **kwargs):
        self.log.append("async receiver ran")

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    async def test_one_failure_is_not_wrapped_in_a_group_on_django_61(self):
        with (
            connected(self.signal, spam_check, self.note),
            self.assertRaisesMessage(ValueError, "looks like spam"),
        ):
            await self.signal.asend(sender=None)

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    async def test_a_later_failure_is_cancelled_so_no_group_on_django_61(self):
        async def slow_check(sender, **kwargs):
            try:
                await asyncio.sleep(0.01)  # a real check would await I/O here
            except asyncio.CancelledError:
                self.log.append("slow check cancelled")
                raise
            raise ValueError("too slow to count")

        with (
            connected(self.signal, spam_check, slow_check),
            self.assertRaisesMessage(ValueError, "looks like spam"),
        ):
            await self.signal.asend(sender=None)

        self.assertEqual(self.log, ["slow check cancelled"])

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    async def test_a_failing_sync_receiver_stops_everything_on_django_61(self):
        with (
            connected(self.signal, check_the_length, spam_check, self.note),
            self.assertRaisesMessage(TypeError, "a sync check failed"),
        ):
            await self.signal.asend(sender=None)

        self.assertEqual(self.log, [])  # the async receivers never started

    @skipIf(django.VERSION >= (6, 1), FIRST_IN_52)
    async def test_the_async_failure_came_first_on_django_52(self):
        sync_ran = threading.Event()

        def failing_sync_check(sender, **kwargs):
            sync_ran.set()
            raise TypeError("a sync check failed")

        with (
            connected(self.signal, failing_sync_check, spam_check, self.note),
            self.assertRaisesMessage(ValueError, "looks like spam"),
        ):
            await self.signal.asend(sender=None)

        self.assertEqual(self.log, ["async receiver ran"])
        # The sync receiver still runs, in its thread, after asend() raised.
        self.assertTrue(await asyncio.to_thread(sync_ran.wait, 5))


async def length_check(sender, **kwargs):
    raise TypeError("not a ValueError")


class ExceptStarRulesTests(SimpleTestCase):
    """Two rules of except* that checks_that_failed() follows."""

    def setUp(self):
        self.signal = Signal()

    def test_return_is_not_allowed_in_an_except_star_block(self):
        source = "def f():\n try:\n  pass\n except* ValueError:\n  return\n"
        with self.assertRaisesMessage(SyntaxError, "cannot appear in an except*"):
            compile(source, "example", "exec")

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    async def test_other_types_still_escape_in_a_group_on_django_61(self):
        with (
            connected(self.signal, spam_check, length_check),
            self.assertRaises(ExceptionGroup) as raised,
        ):
            await checks_that_failed(self.signal)

        (escaped,) = raised.exception.exceptions  # the ValueError was handled
        self.assertIsInstance(escaped, TypeError)

    @skipIf(django.VERSION >= (6, 1), FIRST_IN_52)
    async def test_only_the_first_failure_arrives_on_django_52(self):
        with connected(self.signal, spam_check, length_check):
            self.assertEqual(await checks_that_failed(self.signal), ["looks like spam"])


class RobustSendersRaiseNothingTests(SimpleTestCase):
    """send_robust() and asend_robust(): every failure comes back as a response."""

    def setUp(self):
        self.signal = Signal()
        self.receivers = [check_the_length, spam_check, style_check]

    def assert_every_failure_returned(self, responses, logs):
        self.assertEqual(
            [(receiver, repr(error)) for receiver, error in responses],
            [
                (check_the_length, "TypeError('a sync check failed')"),
                (spam_check, "ValueError('looks like spam')"),
                (style_check, "ValueError('too many capitals')"),
            ],
        )
        self.assertEqual(len(logs.records), 3)  # one ERROR record each

    def test_send_robust(self):
        with (
            connected(self.signal, *self.receivers),
            self.assertLogs("django.dispatch", "ERROR") as logs,
        ):
            responses = self.signal.send_robust(sender=None)

        self.assert_every_failure_returned(responses, logs)

    async def test_asend_robust(self):
        with (
            connected(self.signal, *self.receivers),
            self.assertLogs("django.dispatch", "ERROR") as logs,
        ):
            responses = await self.signal.asend_robust(sender=None)

        self.assert_every_failure_returned(responses, logs)

    async def test_asend_robust_lets_a_slow_receiver_finish(self):
        async def slow_check(sender, **kwargs):
            await asyncio.sleep(0.01)
            return "checked"

        with (
            connected(self.signal, spam_check, slow_check),
            self.assertLogs("django.dispatch", "ERROR"),
        ):
            responses = await self.signal.asend_robust(sender=None)

        self.assertEqual(responses[1], (slow_check, "checked"))  # not cancelled


class FailingAsyncReceiverTests(SimpleTestCase):
    """One async receiver raises under asend(): what of the others?"""

    def setUp(self):
        self.signal, self.log, self.never = Signal(), [], asyncio.Event()

    async def asend_with_a_failure(self):
        async def slow(**kwargs):
            self.slow_task = asyncio.current_task()
            self.log.append("slow started")
            try:
                await self.never.wait()
            except asyncio.CancelledError:
                self.log.append("slow cancelled")
                raise
            self.log.append("slow finished")

        async def broken(**kwargs):
            raise ValueError("boom")

        with (
            connected(self.signal, slow, broken),
            self.assertRaisesMessage(ValueError, "boom"),
        ):
            await self.signal.asend(sender=None)

    @skipUnless(django.VERSION >= (6, 1), GROUPS_IN_61)
    async def test_the_others_are_cancelled_on_django_61(self):
        await self.asend_with_a_failure()

        self.assertEqual(self.log, ["slow started", "slow cancelled"])

    @skipIf(django.VERSION >= (6, 1), FIRST_IN_52)
    async def test_the_others_run_on_unawaited_on_django_52(self):
        await self.asend_with_a_failure()
        self.assertEqual(self.log, ["slow started"])  # still running

        self.never.set()
        await self.slow_task
        self.assertEqual(self.log, ["slow started", "slow finished"])
