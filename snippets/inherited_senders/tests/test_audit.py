"""The audit recipe: one receiver per audited model, each under its own sender."""

from decimal import Decimal

from django.core import serializers
from django.db import transaction
from django.db.models.signals import post_save
from django.test import TestCase

from .. import signals
from ..models import (
    Audited,
    AuditEntry,
    CreditNote,
    Document,
    Draft,
    Invoice,
    Memo,
    UrgentDraft,
)


def audit_log():
    return [str(entry) for entry in AuditEntry.objects.all()]


class AuditRecipeTests(TestCase):
    def test_the_audited_models_are_every_subclass_child_and_proxy(self):
        self.assertCountEqual(
            signals.audited_models(),
            [Document, Draft, UrgentDraft, Invoice, CreditNote, Memo],
        )

    def test_each_save_is_recorded_under_its_own_sender(self):
        Document.objects.create(title="Terms")
        draft = Draft.objects.create(title="Plan")
        UrgentDraft.objects.create(title="Fix the roof")
        Invoice.objects.create(title="March", amount=Decimal("120"))
        CreditNote.objects.create(title="Refund", amount=Decimal("-20"))
        Memo.objects.create(draft=draft, body="Call")

        self.assertEqual(
            audit_log(),
            [
                "created Document",
                "created Draft",
                "created UrgentDraft",
                "created Invoice",
                "created CreditNote",
                "created Memo",
            ],
        )

    def test_an_update_is_recorded(self):
        invoice = Invoice.objects.create(title="March", amount=Decimal("120"))
        invoice.save()

        self.assertEqual(audit_log(), ["created Invoice", "updated Invoice"])
        self.assertEqual(
            AuditEntry.objects.last().object_pk, str(invoice.pk), "the pk as text"
        )

    def test_a_child_delete_is_recorded_once_per_table(self):
        note = CreditNote.objects.create(title="Refund", amount=Decimal("-20"))
        AuditEntry.objects.all().delete()

        note.delete()

        self.assertEqual(
            audit_log(), ["deleted CreditNote", "deleted Invoice", "deleted Document"]
        )

    def test_other_models_never_reach_the_receivers(self):
        # Not even AuditEntry: a receiver for it would record its own rows.
        AuditEntry.objects.create(
            sender="inherited_senders.Document", object_pk="1", action="created"
        )

        self.assertEqual(AuditEntry.objects.count(), 1)

    def test_connecting_again_adds_nothing(self):
        signals.connect_audit_receivers()

        Draft.objects.create(title="Plan")

        self.assertEqual(audit_log(), ["created Draft"])

    def test_the_log_line_waits_for_the_commit(self):
        with (
            self.assertLogs("inherited_senders.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            invoice = Invoice.objects.create(title="March", amount=Decimal("1"))
            self.assertEqual(logs.output, [])  # saved and recorded, not logged

        self.assertEqual(
            [record.getMessage() for record in logs.records],
            [f"inherited_senders.Invoice {invoice.pk} created"],
        )

    def test_a_delete_is_logged_with_the_pk_it_had(self):
        draft = Draft.objects.create(title="Plan")
        pk = draft.pk

        with (
            self.assertLogs("inherited_senders.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            draft.delete()

        self.assertIsNone(draft.pk)
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            [f"inherited_senders.Draft {pk} deleted"],
        )

    def test_a_rolled_back_save_leaves_no_entry_and_logs_nothing(self):
        with (
            self.captureOnCommitCallbacks() as callbacks,
            self.assertRaises(ZeroDivisionError),
            transaction.atomic(),
        ):
            Invoice.objects.create(title="March", amount=Decimal("120"))
            1 / 0  # noqa: B018 -- anything that fails after the save

        self.assertEqual(audit_log(), [])
        self.assertEqual(callbacks, [])

    def test_a_fixture_load_is_not_recorded(self):
        draft = Draft.objects.create(title="Plan")
        fixture = serializers.serialize("json", [draft])
        draft.delete()
        AuditEntry.objects.all().delete()

        for restored in serializers.deserialize("json", fixture):
            restored.save()  # what loaddata does: save_base(raw=True)

        self.assertTrue(Draft.objects.exists())
        self.assertEqual(audit_log(), [])


# --8<-- [start:senderless]
class SenderlessRecipeTests(TestCase):
    def test_one_receiver_without_a_sender_filters_but_runs_for_every_model(self):
        called_for, audited = [], []

        def on_any_save(sender, instance, **kwargs):
            called_for.append(sender)
            if issubclass(sender, Audited):  # the filter
                audited.append(sender)

        post_save.connect(on_any_save, weak=False)
        try:
            UrgentDraft.objects.create(title="Fix the roof")
            Invoice.objects.create(title="March", amount=Decimal("120"))
        finally:
            post_save.disconnect(on_any_save)

        self.assertEqual(audited, [UrgentDraft, Invoice])
        # It ran for the audit's own rows too: for every save of every model.
        self.assertEqual(called_for.count(AuditEntry), 2)


# --8<-- [end:senderless]
