import importlib
import sys
import unittest
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
)
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from factory.django import mute_signals

from .factories import TicketFactory
from .models import Ticket
from .services import close_ticket
from .signals import acknowledge_new_ticket, ticket_closed
from .testing import muted, recorded

ACKNOWLEDGE_UID = "signal_testing.acknowledge_new_ticket"
LOGGER = "signal_testing.signals"


def subjects_to(address):
    """Subjects of the test mail sent to one address (other apps send mail too)."""
    return [m.subject for m in mail.outbox if address in m.to]


# --8<-- [start:assert_sent]
class AssertSentTests(TestCase):
    def setUp(self):
        self.ticket = Ticket.objects.create(
            title="Printer on fire", reporter_email="ada@example.com"
        )

    def test_closing_sends_ticket_closed_with_these_arguments(self):
        with recorded(ticket_closed) as sent:
            close_ticket(self.ticket, reason="Extinguished")

        self.assertEqual(
            sent,
            [
                {
                    "signal": ticket_closed,
                    "sender": Ticket,
                    "ticket": self.ticket,
                    "reason": "Extinguished",
                }
            ],
        )

    def test_a_mock_receiver_checks_the_same(self):
        handler = mock.Mock()
        # weak=False: the signal holds the mock itself, whatever the test keeps.
        ticket_closed.connect(handler, weak=False)
        self.addCleanup(ticket_closed.disconnect, handler)

        close_ticket(self.ticket, reason="Extinguished")

        handler.assert_called_once_with(
            signal=ticket_closed,
            sender=Ticket,
            ticket=self.ticket,
            reason="Extinguished",
        )

    def test_closing_a_closed_ticket_sends_nothing(self):
        close_ticket(self.ticket, reason="Extinguished")
        handler = mock.Mock()
        ticket_closed.connect(handler, weak=False)
        self.addCleanup(ticket_closed.disconnect, handler)

        self.assertIs(close_ticket(self.ticket, reason="Again"), False)

        handler.assert_not_called()

    def test_post_save_arguments_for_a_new_ticket(self):
        with recorded(post_save, sender=Ticket) as sent:
            ticket = Ticket.objects.create(title="Jam", reporter_email="a@example.com")

        self.assertEqual(
            sent,
            [
                {
                    "signal": post_save,
                    "sender": Ticket,
                    "instance": ticket,
                    "created": True,
                    "update_fields": None,
                    "raw": False,
                    "using": "default",
                }
            ],
        )


# --8<-- [end:assert_sent]


class CloseTicketTests(TestCase):
    """close_ticket() itself: its return value, and its transaction."""

    def setUp(self):
        self.ticket = Ticket.objects.create(
            title="Printer on fire", reporter_email="ada@example.com"
        )

    def test_closing_an_open_ticket_returns_true(self):
        self.assertIs(close_ticket(self.ticket, reason="Extinguished"), True)

    def test_a_ticket_loaded_closed_from_the_database_is_not_closed_again(self):
        close_ticket(self.ticket, reason="Extinguished")
        # Read back, status is a plain str, not a Ticket.Status member.
        reloaded = Ticket.objects.get(pk=self.ticket.pk)

        with recorded(ticket_closed) as sent:
            self.assertIs(close_ticket(reloaded, reason="Again"), False)

        self.assertEqual(sent, [])

    def test_a_failing_receiver_leaves_the_ticket_open_and_sends_no_email(self):
        def fail(**kwargs):
            raise RuntimeError("receiver failed")

        # Connected after email_reporter_on_close, so it runs after it.
        ticket_closed.connect(fail)
        self.addCleanup(ticket_closed.disconnect, fail)

        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
        ):
            close_ticket(self.ticket, reason="Extinguished")

        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, Ticket.Status.OPEN)
        self.assertEqual(callbacks, [])  # the email's on_commit was dropped


class RecordedTests(TestCase):
    """recorded() itself: it filters by sender and leaves nothing behind."""

    def test_it_records_only_the_sender_it_was_given(self):
        with recorded(post_save, sender=Ticket) as sent:
            TicketFactory()
            # A save of another model: not recorded.
            post_save.send(sender=object, instance=None, created=True)

        self.assertEqual([s["sender"] for s in sent], [Ticket])

    def test_it_disconnects_even_when_the_block_fails(self):
        receivers_before = len(ticket_closed.receivers)

        with self.assertRaises(ZeroDivisionError), recorded(ticket_closed):
            1 / 0  # noqa: B018

        self.assertEqual(len(ticket_closed.receivers), receivers_before)


# --8<-- [start:muted]
class MutedTests(TestCase):
    def test_the_receiver_is_silent_inside_the_block(self):
        with (
            muted(
                post_save,
                acknowledge_new_ticket,
                sender=Ticket,
                dispatch_uid=ACKNOWLEDGE_UID,
            ),
            self.captureOnCommitCallbacks(execute=True),
        ):
            Ticket.objects.create(title="Quiet", reporter_email="q@example.com")

        self.assertEqual(subjects_to("q@example.com"), [])

    def test_other_receivers_of_the_signal_still_run(self):
        with (
            muted(
                post_save,
                acknowledge_new_ticket,
                sender=Ticket,
                dispatch_uid=ACKNOWLEDGE_UID,
            ),
            recorded(post_save, sender=Ticket) as sent,
        ):
            Ticket.objects.create(title="Quiet", reporter_email="q@example.com")

        self.assertEqual(len(sent), 1)

    def test_the_receiver_is_back_after_the_block_even_after_an_error(self):
        with (
            self.assertRaises(ZeroDivisionError),
            muted(
                post_save,
                acknowledge_new_ticket,
                sender=Ticket,
                dispatch_uid=ACKNOWLEDGE_UID,
            ),
        ):
            1 / 0  # noqa: B018

        with self.captureOnCommitCallbacks(execute=True):
            Ticket.objects.create(title="Loud", reporter_email="l@example.com")
        self.assertEqual(
            subjects_to("l@example.com"), ["We received your ticket: Loud"]
        )

    def test_muting_a_receiver_that_is_not_connected_raises(self):
        # Connected with a dispatch_uid: without it, disconnect() finds nothing.
        with (
            self.assertRaises(LookupError),
            muted(post_save, acknowledge_new_ticket, sender=Ticket),
        ):
            pass  # pragma: no cover


# --8<-- [end:muted]


class MutedSignatureTests(SimpleTestCase):
    def test_sender_and_dispatch_uid_must_be_passed_by_name(self):
        # Keyword-only: the two optional arguments cannot be swapped by mistake.
        with (
            self.assertRaises(TypeError),
            muted(post_save, acknowledge_new_ticket, Ticket, ACKNOWLEDGE_UID),
        ):
            pass  # pragma: no cover


# --8<-- [start:receivers_cache]
class ReceiversCacheTests(TestCase):
    """Why muted() uses disconnect() instead of editing signal.receivers."""

    def test_model_signals_cache_their_receivers_per_sender(self):
        model_signals = [pre_init, post_init, pre_save, post_save]
        model_signals += [pre_delete, post_delete, m2m_changed]
        for signal in model_signals:
            self.assertIs(signal.use_caching, True)

    def test_removing_a_receiver_by_hand_leaves_a_stale_cache(self):
        signal = Signal(use_caching=True)  # as post_save is
        sender = type("Sender", (), {})
        handler, other = mock.Mock(), mock.Mock()
        signal.connect(handler, sender=sender, weak=False)
        signal.connect(other, sender=sender, weak=False)
        signal.send(sender=sender)  # fills the cache for this sender

        # "Mute" handler by editing the list; the cache is left as it was.
        signal.receivers = [r for r in signal.receivers if r[1] is not handler]
        signal.send(sender=sender)

        self.assertEqual(handler.call_count, 2)  # it still ran

    def test_factory_boy_clears_the_cache_when_it_restores(self):
        signal = Signal(use_caching=True)
        sender = type("Sender", (), {})
        handler, late = mock.Mock(), mock.Mock()
        signal.connect(handler, sender=sender, weak=False)
        signal.send(sender=sender)  # fills the cache with [handler]

        with mute_signals(signal):
            signal.send(sender=sender)  # no receivers: the cache is not read
            signal.connect(late, sender=sender, weak=False)
            signal.send(sender=sender)  # caches [late] for this sender
        signal.send(sender=sender)

        self.assertEqual(handler.call_count, 2)  # before and after the block
        self.assertEqual(late.call_count, 2)  # connected inside, and it stays


# --8<-- [end:receivers_cache]


# --8<-- [start:mute_signals]
class MuteSignalsTests(TestCase):
    """factory_boy's mute_signals silences every receiver of a signal."""

    @mute_signals(post_save)
    def test_as_a_decorator(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            ticket = TicketFactory()

        self.assertEqual(callbacks, [])
        self.assertEqual(subjects_to(ticket.reporter_email), [])

    def test_as_a_context_manager(self):
        with (
            self.captureOnCommitCallbacks(execute=True),
            recorded(ticket_closed) as closed,
        ):
            with mute_signals(post_save, ticket_closed):
                ticket = TicketFactory(title="Muted")
                close_ticket(ticket, reason="Duplicate")
            TicketFactory(title="Heard", reporter_email=ticket.reporter_email)

        self.assertEqual(closed, [])  # the recorder was muted too
        self.assertEqual(
            subjects_to(ticket.reporter_email), ["We received your ticket: Heard"]
        )


# --8<-- [end:mute_signals]


class WithoutPytestTests(SimpleTestCase):
    def test_the_pytest_module_is_skipped_when_pytest_is_missing(self):
        name = "signal_testing.test_pytest_fixtures"
        # None in sys.modules makes `import pytest` raise ImportError;
        # patch.dict puts every module back afterwards.
        with mock.patch.dict(sys.modules, {"pytest": None}):
            sys.modules.pop(name, None)
            with self.assertRaises(unittest.SkipTest):
                importlib.import_module(name)


# --8<-- [start:on_commit]
class OnCommitTests(TestCase):
    """TestCase never commits: capture the on_commit callbacks instead."""

    def test_without_capturing_the_email_never_leaves(self):
        Ticket.objects.create(title="Jam", reporter_email="ada@example.com")

        self.assertEqual(subjects_to("ada@example.com"), [])

    def test_capture_then_run_the_callbacks_yourself(self):
        with self.captureOnCommitCallbacks() as callbacks:
            Ticket.objects.create(title="Jam", reporter_email="ada@example.com")

        self.assertEqual(len(callbacks), 1)
        self.assertEqual(subjects_to("ada@example.com"), [])  # not run yet
        callbacks[0]()
        self.assertEqual(
            subjects_to("ada@example.com"), ["We received your ticket: Jam"]
        )

    def test_the_closing_email_waits_for_the_commit_too(self):
        ticket = Ticket.objects.create(title="Jam", reporter_email="ada@example.com")

        with self.captureOnCommitCallbacks() as callbacks:
            close_ticket(ticket, reason="Cleared")

        self.assertEqual(len(callbacks), 1)
        self.assertEqual(subjects_to("ada@example.com"), [])

    def test_execute_true_runs_them_when_the_block_ends(self):
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            ticket = Ticket.objects.create(
                title="Jam", reporter_email="ada@example.com"
            )
            close_ticket(ticket, reason="Cleared the paper")

        to_ada = [m for m in mail.outbox if m.to == ["ada@example.com"]]
        self.assertEqual(
            [(m.subject, m.body) for m in to_ada],
            [
                ("We received your ticket: Jam", ""),
                ("Your ticket was closed: Jam", "Cleared the paper"),
            ],
        )
        line = f"INFO:{LOGGER}:Emailed the reporter of ticket {ticket.pk}"
        self.assertEqual(logs.output, [line, line])

    def test_a_line_break_in_the_title_does_not_reach_the_subject(self):
        with self.captureOnCommitCallbacks(execute=True):
            Ticket.objects.create(title="Paper\njam ", reporter_email="ada@example.com")

        self.assertEqual(
            subjects_to("ada@example.com"), ["We received your ticket: Paper jam"]
        )


class OnCommitInAutocommitTests(TransactionTestCase):
    """Outside any transaction, on_commit runs the callback at once."""

    def test_the_email_leaves_during_create(self):
        Ticket.objects.create(title="Jam", reporter_email="ada@example.com")

        self.assertEqual(
            subjects_to("ada@example.com"), ["We received your ticket: Jam"]
        )


# --8<-- [end:on_commit]


# --8<-- [start:loaddata]
class LoaddataTests(TestCase):
    def test_loaddata_saves_with_raw_true(self):
        with recorded(post_save, sender=Ticket) as sent:
            call_command("loaddata", "signal_testing_tickets.json", verbosity=0)

        ticket = Ticket.objects.get(pk=41)
        self.assertEqual(len(sent), 1)
        self.assertEqual(
            (sent[0]["instance"], sent[0]["raw"], sent[0]["created"]),
            (ticket, True, True),
        )

    def test_restored_tickets_email_nobody(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            call_command("loaddata", "signal_testing_tickets.json", verbosity=0)

        self.assertEqual(callbacks, [])
        self.assertEqual(subjects_to("grace@example.com"), [])


# --8<-- [end:loaddata]


class Declined(Exception):
    pass


class DatabaseDifferencesTests(TestCase):
    # --8<-- [start:ids]
    def test_a_rolled_back_insert_uses_up_its_id_on_postgresql(self):
        try:
            with transaction.atomic():
                lost = Ticket.objects.create(
                    title="Lost", reporter_email="a@example.com"
                )
                raise Declined
        except Declined:
            pass
        kept = Ticket.objects.create(title="Kept", reporter_email="a@example.com")

        if connection.vendor == "postgresql":
            self.assertEqual(kept.pk, lost.pk + 1)  # sequences never roll back
        else:
            self.assertEqual(kept.pk, lost.pk)  # SQLite's counter rolled back too

    # --8<-- [end:ids]

    def test_a_duplicate_is_an_integrity_error_worded_by_the_database(self):
        ticket = Ticket.objects.create(title="First", reporter_email="a@example.com")
        wording = {
            "sqlite": "UNIQUE constraint failed",
            "postgresql": "duplicate key value violates unique constraint",
        }
        with (
            self.assertRaisesMessage(
                IntegrityError, wording.get(connection.vendor, "")
            ),
            transaction.atomic(),
        ):
            Ticket.objects.create(
                pk=ticket.pk, title="Again", reporter_email="a@example.com"
            )
