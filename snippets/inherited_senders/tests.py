import logging
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from unittest import mock, skipIf, skipUnless

import django
from django.apps import apps
from django.core import serializers
from django.core.checks.model_checks import _check_lazy_references
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import (
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext, isolate_apps

from . import signals
from .models import (
    Audited,
    AuditEntry,
    CreditNote,
    Document,
    Draft,
    Invoice,
    Memo,
    UrgentDraft,
)

AUDITED = {Document, Draft, UrgentDraft, Invoice, CreditNote, Memo}


@contextmanager
def captured(signal, sender=None):
    """Collect the keyword arguments of every send while the block runs.

    Without a sender, only the audited models count: not Django's own, and
    not the audit's entries.
    """
    calls = []

    def receiver(**kwargs):
        if sender is not None or kwargs["sender"] in AUDITED:
            calls.append(kwargs)

    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=sender)


def senders(calls):
    return [call["sender"] for call in calls]


def tables_written(queries):
    """The tables the INSERT, UPDATE and DELETE statements of a block touch."""
    found = []
    for query in queries:
        words = query["sql"].replace('"', "").split()
        verb = words[0]
        if verb in ("INSERT", "DELETE"):
            found.append(words[2])  # INSERT INTO t / DELETE FROM t
        elif verb == "UPDATE":
            found.append(words[1])
    return [table.removeprefix("inherited_senders_") for table in found]


def audit_log():
    return [str(entry) for entry in AuditEntry.objects.all()]


# --8<-- [start:proxy]
class ProxySenderTests(TestCase):
    def test_a_proxy_save_is_sent_with_the_proxy_as_sender(self):
        with (
            captured(post_save, sender=Document) as for_document,
            captured(post_save) as for_anyone,
        ):
            Draft.objects.create(title="Plan")

        self.assertEqual(for_document, [])
        self.assertEqual(senders(for_anyone), [Draft])

    def test_a_proxy_of_a_proxy_is_its_own_sender(self):
        with (
            captured(post_save, sender=Document) as for_document,
            captured(post_save, sender=Draft) as for_draft,
            captured(post_save) as for_anyone,
        ):
            UrgentDraft.objects.create(title="Fix the roof")

        self.assertEqual(for_document + for_draft, [])
        self.assertEqual(senders(for_anyone), [UrgentDraft])

    def test_a_proxy_delete_is_sent_with_the_proxy_as_sender(self):
        draft = Draft.objects.create(title="Plan")

        with (
            captured(post_delete, sender=Document) as for_document,
            captured(post_delete) as for_anyone,
        ):
            draft.delete()

        self.assertEqual(for_document, [])
        self.assertEqual(senders(for_anyone), [Draft])
        self.assertFalse(Document.objects.exists())  # one table, one row gone

    # --8<-- [end:proxy]

    def test_the_sender_is_the_class_the_row_was_loaded_through(self):
        draft = Draft.objects.create(title="Plan")

        with captured(post_save) as calls:
            Document.objects.get(pk=draft.pk).save()
            UrgentDraft.objects.get(pk=draft.pk).save()

        self.assertEqual(senders(calls), [Document, UrgentDraft])

    def test_an_only_row_of_a_proxy_keeps_the_proxy_class(self):
        Draft.objects.create(title="Plan", summary="Roof, walls")
        draft = Draft.objects.only("title").get()

        with captured(post_save) as calls:
            draft.save()

        self.assertIs(type(draft), Draft)
        self.assertEqual(senders(calls), [Draft])
        self.assertEqual(calls[0]["update_fields"], frozenset({"title"}))

    def test_deleting_an_only_row_of_a_proxy_sends_for_the_proxy(self):
        UrgentDraft.objects.create(title="Fix the roof", summary="Today")

        with captured(post_delete) as calls:
            UrgentDraft.objects.only("title").get().delete()

        self.assertEqual(senders(calls), [UrgentDraft])

    def test_debug_makes_no_difference(self):
        for debug in (False, True):
            with (
                self.subTest(DEBUG=debug),
                override_settings(DEBUG=debug),
                captured(post_save, sender=Document) as for_document,
            ):
                UrgentDraft.objects.create(title="Fix the roof")
                self.assertEqual(for_document, [])


# --8<-- [start:child_save]
class MultiTableSaveTests(TestCase):
    def test_a_child_save_sends_once_with_the_child_as_sender(self):
        with (
            captured(pre_save) as before,
            captured(post_save) as after,
            captured(post_save, sender=Document) as for_document,
            CaptureQueriesContext(connection) as queries,
        ):
            invoice = Invoice.objects.create(title="March", amount=Decimal("120"))

        self.assertEqual(senders(before), [Invoice])
        self.assertEqual(senders(after), [Invoice])
        self.assertEqual(for_document, [])
        # The parent's row was written all the same, before the child's.
        self.assertEqual(tables_written(queries), ["document", "invoice", "auditentry"])
        self.assertTrue(Document.objects.filter(pk=invoice.pk).exists())

    # --8<-- [end:child_save]

    def test_an_update_writes_both_tables_and_sends_once(self):
        invoice = Invoice.objects.create(title="March", amount=Decimal("120"))
        invoice.title = "March, paid"

        with (
            captured(post_save) as calls,
            CaptureQueriesContext(connection) as queries,
        ):
            invoice.save()

        self.assertEqual(senders(calls), [Invoice])
        self.assertIs(calls[0]["created"], False)
        self.assertEqual(tables_written(queries), ["document", "invoice", "auditentry"])

    def test_a_child_of_a_child_writes_three_tables_and_sends_once(self):
        with (
            captured(post_save) as calls,
            captured(post_save, sender=Invoice) as for_invoice,
            CaptureQueriesContext(connection) as queries,
        ):
            CreditNote.objects.create(
                title="Refund", amount=Decimal("-20"), reason="Damaged"
            )

        self.assertEqual(senders(calls), [CreditNote])
        self.assertEqual(for_invoice, [])
        self.assertEqual(
            tables_written(queries),
            ["document", "invoice", "creditnote", "auditentry"],
        )

    def test_an_only_row_of_a_child_writes_only_the_child_table(self):
        Invoice.objects.create(title="March", amount=Decimal("120"))
        invoice = Invoice.objects.only("amount").get()
        invoice.amount = Decimal("125")

        with (
            captured(post_save) as calls,
            CaptureQueriesContext(connection) as queries,
        ):
            invoice.save()

        self.assertEqual(senders(calls), [Invoice])
        self.assertEqual(calls[0]["update_fields"], frozenset({"amount"}))
        self.assertEqual(tables_written(queries), ["invoice", "auditentry"])


# --8<-- [start:child_delete]
class MultiTableDeleteTests(TestCase):
    def setUp(self):
        self.invoice = Invoice.objects.create(title="March", amount=Decimal("120"))

    def test_a_child_delete_sends_for_the_child_then_for_the_parent_row(self):
        with (
            captured(pre_delete) as before,
            captured(post_delete) as after,
        ):
            self.invoice.delete()

        self.assertEqual(senders(before), [Invoice, Document])
        self.assertEqual(senders(after), [Invoice, Document])
        parent_row = after[1]["instance"]
        self.assertIs(type(parent_row), Document)  # a new object, not the invoice
        self.assertEqual(parent_row.title, "March")
        self.assertEqual([c["origin"] for c in after], [self.invoice] * 2)

    def test_a_receiver_for_the_parent_hears_deletes_of_children(self):
        with (
            captured(post_save, sender=Document) as saves,
            captured(post_delete, sender=Document) as deletes,
        ):
            self.invoice.title = "March, paid"
            self.invoice.save()
            self.invoice.delete()

        self.assertEqual(saves, [])
        self.assertEqual(len(deletes), 1)

    # --8<-- [end:child_delete]

    def test_the_parent_row_is_built_from_the_child_and_sends_post_init(self):
        with captured(post_init, sender=Document) as built:
            self.invoice.delete()

        self.assertEqual(len(built), 1)
        self.assertEqual(built[0]["instance"].title, "March")

    def test_an_only_row_of_a_child_loads_its_parent_row_to_delete_it(self):
        april = Invoice.objects.create(title="April", amount=Decimal("80"))
        full = Invoice.objects.get(pk=self.invoice.pk)
        deferred = Invoice.objects.only("amount").get(pk=april.pk)

        with CaptureQueriesContext(connection) as full_delete:
            full.delete()
        with (
            captured(post_delete) as calls,
            CaptureQueriesContext(connection) as deferred_delete,
        ):
            deferred.delete()

        self.assertEqual(senders(calls), [Invoice, Document])
        self.assertEqual(len(deferred_delete), len(full_delete) + 1)

    def test_a_child_of_a_child_delete_sends_for_each_table(self):
        note = CreditNote.objects.create(
            title="Refund", amount=Decimal("-20"), reason="Damaged"
        )

        with captured(post_delete) as calls:
            note.delete()

        self.assertEqual(senders(calls), [CreditNote, Invoice, Document])
        self.assertEqual({type(c["instance"]) for c in calls}, set(senders(calls)))

    def test_deleting_through_the_parent_deletes_and_signals_the_children(self):
        CreditNote.objects.create(
            title="Refund", amount=Decimal("-20"), reason="Damaged"
        )
        Draft.objects.create(title="Plan")

        with captured(post_delete) as calls:
            Document.objects.all().delete()

        self.assertCountEqual(
            senders(calls),
            [CreditNote, Invoice, Invoice, Document, Document, Document],
        )
        self.assertFalse(Invoice.objects.exists())

    def test_deleting_the_parent_row_of_a_child_deletes_the_child(self):
        with captured(post_delete) as calls:
            Document.objects.get(pk=self.invoice.pk).delete()

        self.assertEqual(senders(calls), [Invoice, Document])
        self.assertFalse(Invoice.objects.exists())


# --8<-- [start:keep_parents]
class KeepParentsTests(TestCase):
    def setUp(self):
        self.draft = Draft.objects.create(title="March")
        self.memo = Memo.objects.create(draft=self.draft, body="Check the VAT")
        # The draft becomes an invoice: a child row for an existing parent row.
        self.invoice = Invoice.objects.create(
            document_ptr=self.draft, title=self.draft.title, amount=Decimal("120")
        )

    def test_keep_parents_sends_only_for_the_child(self):
        with captured(post_delete) as calls:
            self.invoice.delete(keep_parents=True)

        self.assertIn(Invoice, senders(calls))
        self.assertNotIn(Document, senders(calls))
        self.assertTrue(Document.objects.filter(pk=self.draft.pk).exists())

    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 keeps relations to proxies")
    def test_keep_parents_keeps_what_points_at_a_proxy_of_the_parent(self):
        with captured(post_delete) as calls:
            self.invoice.delete(keep_parents=True)

        self.assertEqual(senders(calls), [Invoice])
        self.assertTrue(Memo.objects.filter(pk=self.memo.pk).exists())

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 cascades through proxies")
    def test_keep_parents_deletes_what_points_at_a_proxy_of_the_parent(self):
        with captured(post_delete) as calls:
            self.invoice.delete(keep_parents=True)

        self.assertCountEqual(senders(calls), [Memo, Invoice])
        self.assertFalse(Memo.objects.filter(pk=self.memo.pk).exists())


# --8<-- [end:keep_parents]


# --8<-- [start:abstract]
class AbstractSenderTests(TestCase):
    def test_an_abstract_model_cannot_be_instantiated(self):
        with self.assertRaisesMessage(TypeError, "Abstract models cannot be"):
            Audited()

    def test_the_abstract_class_as_sender_connects_but_never_runs(self):
        for debug in (False, True):  # DEBUG adds checks to connect()
            with self.subTest(DEBUG=debug):
                with (
                    override_settings(DEBUG=debug),
                    captured(post_save, sender=Audited) as calls,
                ):
                    draft = Draft.objects.create(title="Plan")
                    Document.objects.create(title="Terms")
                    Invoice.objects.create(title="March", amount=Decimal("1"))
                    Memo.objects.create(draft=draft, body="Call")

                self.assertEqual(calls, [])

    def test_an_abstract_model_is_not_in_the_registry(self):
        with self.assertRaises(LookupError):
            apps.get_model("inherited_senders", "Audited")
        self.assertNotIn(Audited, apps.get_models())

    @isolate_apps("inherited_senders")  # a registry of its own: no leftovers
    def test_a_string_sender_for_it_never_resolves_and_fails_the_check(self):
        registry = Document._meta.default_apps  # the isolated one, here
        calls = []

        def on_save(sender, **kwargs):
            calls.append(sender)

        post_save.connect(on_save, sender="inherited_senders.Audited", weak=False)
        Document.objects.create(title="Terms")

        self.assertEqual(calls, [])
        # What `manage.py check` runs for this registry:
        errors = _check_lazy_references(registry)
        self.assertEqual([e.id for e in errors], ["signals.E001"])
        self.assertIn(
            "lazy reference to the sender 'inherited_senders.audited', but app "
            "'inherited_senders' doesn't provide model 'audited'",
            errors[0].msg,
        )


# --8<-- [end:abstract]


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


# --8<-- [start:overrides]
class OverriddenSaveTests(TestCase):
    def setUp(self):
        self.draft = Draft.objects.create(title="Plan")

    def test_a_save_that_calls_super_sends_each_signal_once(self):
        with (
            captured(pre_save, sender=Memo) as before,
            captured(post_save, sender=Memo) as after,
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
            captured(pre_save, sender=Memo) as before,
            captured(post_save, sender=Memo) as after,
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
            captured(pre_save, sender=Memo) as before,
            captured(post_save, sender=Memo) as after,
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
            before = stack.enter_context(captured(pre_delete, sender=Memo))
            after = stack.enter_context(captured(post_delete, sender=Memo))
            yield delete, before, after

    def test_delete_without_super_sends_no_delete_signals(self):
        memo = self.memos[0]
        with (
            captured(pre_delete, sender=Memo) as before,
            captured(post_delete, sender=Memo) as after,
            captured(post_save, sender=Memo) as saved,
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


# --8<-- [start:transactions]
class TransactionTests(TransactionTestCase):
    """Commits for real, to show what a receiver's exception can undo."""

    def failing_receiver(self, **kwargs):
        raise RuntimeError("receiver failed")

    def test_the_two_tables_of_a_save_are_one_transaction(self):
        def fail_on_the_child_table(execute, sql, params, many, context):
            if sql.startswith('INSERT INTO "inherited_senders_invoice"'):
                raise DatabaseError("the child's INSERT failed")
            return execute(sql, params, many, context)

        with (
            self.assertRaises(DatabaseError),
            connection.execute_wrapper(fail_on_the_child_table),
        ):
            Invoice.objects.create(title="March", amount=Decimal("120"))

        self.assertFalse(Document.objects.exists())  # the parent's row went too

    def test_a_failing_post_save_leaves_both_tables_committed(self):
        post_save.connect(self.failing_receiver, sender=Invoice)
        try:
            with self.assertRaisesMessage(RuntimeError, "receiver failed"):
                Invoice.objects.create(title="March", amount=Decimal("120"))
        finally:
            post_save.disconnect(self.failing_receiver, sender=Invoice)

        self.assertTrue(Invoice.objects.exists())

    def test_inside_atomic_a_failing_post_save_undoes_both_tables(self):
        post_save.connect(self.failing_receiver, sender=Invoice)
        try:
            with self.assertRaises(RuntimeError), transaction.atomic():
                Invoice.objects.create(title="March", amount=Decimal("120"))
        finally:
            post_save.disconnect(self.failing_receiver, sender=Invoice)

        self.assertFalse(Document.objects.exists())

    def test_a_failing_post_delete_for_the_parent_row_undoes_the_delete(self):
        invoice = Invoice.objects.create(title="March", amount=Decimal("120"))
        post_delete.connect(self.failing_receiver, sender=Document)
        try:
            with self.assertRaises(RuntimeError):
                invoice.delete()
        finally:
            post_delete.disconnect(self.failing_receiver, sender=Document)

        self.assertTrue(Invoice.objects.filter(pk=invoice.pk).exists())


# --8<-- [end:transactions]
