"""Overridden save() and delete(): when they run, and when the signals are sent."""

import logging
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.test import TestCase

from ..models import Draft, Memo
from .helpers import recorded


# --8<-- [start:overrides]
class OverriddenSaveTests(TestCase):
    def setUp(self):
        self.draft = Draft.objects.create(title="Plan")

    def test_a_save_that_calls_super_sends_each_signal_once(self):
        with (
            recorded(pre_save, sender=Memo) as before,
            recorded(post_save, sender=Memo) as after,
        ):
            Memo.objects.create(draft=self.draft, body="Call the bank")

        self.assertEqual((len(before), len(after)), (1, 1))

    def test_work_around_super_runs_before_pre_save_and_after_post_save(self):
        log = logging.getLogger("inherited_senders.tests")

        def on_pre_save(sender, instance, **kwargs):
            log.info("pre_save sees %r", instance.body)

        def on_post_save(sender, instance, **kwargs):
            log.info("post_save")

        pre_save.connect(on_pre_save, sender=Memo)
        post_save.connect(on_post_save, sender=Memo)
        try:
            with self.assertLogs("inherited_senders", "INFO") as logs:
                memo = Memo.objects.create(draft=self.draft, body="  Call  ")
        finally:
            pre_save.disconnect(on_pre_save, sender=Memo)
            post_save.disconnect(on_post_save, sender=Memo)

        self.assertEqual(
            [record.getMessage() for record in logs.records],
            ["pre_save sees 'Call'", "post_save", f"Memo {memo.pk} saved"],
        )

    def test_a_save_that_skips_super_sends_nothing_and_writes_nothing(self):
        memo = Memo.objects.create(draft=self.draft, body="Call", locked=True)
        memo.body = "Write"

        with (
            recorded(pre_save, sender=Memo) as before,
            recorded(post_save, sender=Memo) as after,
            self.assertNumQueries(0),
        ):
            memo.save()

        self.assertEqual(before + after, [])
        memo.refresh_from_db()
        self.assertEqual(memo.body, "Call")

    def test_queryset_update_never_calls_save(self):
        memo = Memo.objects.create(draft=self.draft, body="Call")

        with (
            mock.patch.object(Memo, "save", autospec=True) as save,
            recorded(pre_save, sender=Memo) as before,
            recorded(post_save, sender=Memo) as after,
        ):
            Memo.objects.update(body="  Write  ")

        save.assert_not_called()
        self.assertEqual(before + after, [])
        memo.refresh_from_db()
        self.assertEqual(memo.body, "  Write  ")  # never stripped


class OverriddenDeleteTests(TestCase):
    def setUp(self):
        self.draft = Draft.objects.create(title="Plan")
        self.memos = [
            Memo.objects.create(draft=self.draft, body=body)
            for body in ("Call the bank", "Check the VAT")
        ]

    @contextmanager
    def watching(self):
        """Record Memo.delete() calls and Memo's delete signals."""
        with ExitStack() as stack:
            delete = stack.enter_context(
                mock.patch.object(Memo, "delete", autospec=True)
            )
            before = stack.enter_context(recorded(pre_delete, sender=Memo))
            after = stack.enter_context(recorded(post_delete, sender=Memo))
            yield delete, before, after

    def test_delete_without_super_sends_no_delete_signals(self):
        memo = self.memos[0]
        with (
            recorded(pre_delete, sender=Memo) as before,
            recorded(post_delete, sender=Memo) as after,
            recorded(post_save, sender=Memo) as saved,
        ):
            memo.delete()

        self.assertEqual(before + after, [])
        self.assertEqual(saved[0]["update_fields"], frozenset({"archived"}))
        memo.refresh_from_db()
        self.assertTrue(memo.archived)

    def test_delete_without_super_reports_that_no_row_was_deleted(self):
        deleted, per_model = self.memos[0].delete()

        self.assertEqual((deleted, per_model), (0, {}))
        self.assertEqual(Memo.objects.count(), 2)  # archived, still there

    def test_queryset_delete_sends_signals_but_never_calls_delete(self):
        with self.watching() as (delete, before, after):
            Memo.objects.all().delete()

        delete.assert_not_called()
        self.assertEqual((len(before), len(after)), (2, 2))
        self.assertFalse(Memo.objects.exists())  # gone, not archived

    def test_a_cascade_never_calls_delete_either(self):
        with self.watching() as (delete, _, after):
            self.draft.delete()

        delete.assert_not_called()
        self.assertEqual(
            [str(c["instance"]) for c in after], ["Check the VAT", "Call the bank"]
        )
        self.assertFalse(Memo.objects.exists())


# --8<-- [end:overrides]
