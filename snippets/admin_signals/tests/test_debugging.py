"""has_listeners(), receivers_for() and recording(): who hears a signal."""

import functools
from unittest import mock

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.test import TestCase

from ..debugging import receivers_for, recording
from ..models import Ticket
from .helpers import RECEIVERS_LOG, User


class DebuggingTests(TestCase):
    """has_listeners(), receivers_for() and recording(): public API only."""

    def post_save_arguments(self, ticket):
        return {
            "instance": ticket,
            "created": False,
            "update_fields": None,
            "raw": False,
            "using": "default",
        }

    def test_has_listeners_answers_for_one_sender(self):
        signal = Signal()
        self.assertFalse(signal.has_listeners(Ticket))

        def for_users(sender, **kwargs):
            pass

        signal.connect(for_users, sender=User)
        self.assertFalse(signal.has_listeners(Ticket))  # another sender's
        self.assertTrue(signal.has_listeners(User))

        def for_everyone(sender, **kwargs):
            pass

        signal.connect(for_everyone)  # no sender: every sender has it
        self.assertTrue(signal.has_listeners(Ticket))
        # The app's own receivers.
        self.assertTrue(post_save.has_listeners(Ticket))
        self.assertTrue(post_delete.has_listeners(Ticket))

    def test_receivers_for_names_the_receivers_for_that_sender(self):
        ticket = Ticket.objects.create(title="Printer")

        def for_users(sender, **kwargs):
            pass

        post_save.connect(for_users, sender=User)
        self.addCleanup(post_save.disconnect, for_users, sender=User)

        names = receivers_for(post_save, Ticket, **self.post_save_arguments(ticket))

        self.assertIn("admin_signals.signals.log_ticket_saved", names)
        self.assertNotIn("admin_signals.signals.log_ticket_deleted", names)
        self.assertNotIn(f"{__name__}.{for_users.__qualname__}", names)

    def test_the_dry_run_is_rolled_back(self):
        ticket = Ticket.objects.create(title="Printer")

        def open_a_follow_up(sender, instance, **kwargs):
            Ticket.objects.create(title=f"Follow-up of {instance.pk}")

        post_save.connect(open_a_follow_up, sender=Ticket)
        self.addCleanup(post_save.disconnect, open_a_follow_up, sender=Ticket)

        with (
            self.assertNoLogs(RECEIVERS_LOG),
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            names = receivers_for(post_save, Ticket, **self.post_save_arguments(ticket))

        self.assertIn(f"{__name__}.{open_a_follow_up.__qualname__}", names)
        self.assertEqual(Ticket.objects.count(), 1)  # the follow-up is gone
        self.assertEqual(callbacks, [])  # log_ticket_saved's line too

    def test_a_receiver_that_raises_is_named_and_the_rest_still_run(self):
        signal = Signal()

        def fails(sender, **kwargs):
            raise RuntimeError("broken receiver")

        def runs(sender, **kwargs):
            pass

        signal.connect(fails, sender=Ticket)
        signal.connect(runs, sender=Ticket)

        with self.assertLogs("django.dispatch", "ERROR"):  # send_robust logs it
            names = receivers_for(signal, Ticket)

        self.assertEqual(names, [f"{__name__}.{f.__qualname__}" for f in (fails, runs)])

    def test_a_receiver_without_a_qualified_name_is_shown_as_its_repr(self):
        signal = Signal()
        receiver = functools.partial(lambda sender, **kwargs: None)
        signal.connect(receiver, sender=Ticket, weak=False)

        self.assertEqual(receivers_for(signal, Ticket), [repr(receiver)])

    def test_receivers_for_sends_nothing_when_nobody_listens(self):
        signal = Signal()
        with mock.patch.object(signal, "send_robust") as send_robust:
            self.assertEqual(receivers_for(signal, Ticket), [])
        send_robust.assert_not_called()

    def test_recording_sees_each_send_and_stops_after_the_block(self):
        with recording(post_save, sender=Ticket) as sends:
            ticket = Ticket.objects.create(title="Printer")
            User.objects.create_user("ada")  # another sender: not recorded

        self.assertEqual(len(sends), 1)
        self.assertIs(sends[0]["instance"], ticket)
        self.assertIs(sends[0]["signal"], post_save)
        self.assertTrue(sends[0]["created"])

        ticket.save()
        self.assertEqual(len(sends), 1)  # disconnected

    def test_recording_with_no_sender_sees_every_sender(self):
        with recording(post_save) as sends:
            Ticket.objects.create(title="Printer")
            User.objects.create_user("ada")

        senders = [s["sender"] for s in sends]
        self.assertIn(Ticket, senders)
        self.assertIn(User, senders)
