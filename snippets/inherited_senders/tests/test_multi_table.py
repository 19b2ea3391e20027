"""Multi-table inheritance: a save sends once for the child, a delete once per table."""

from decimal import Decimal
from unittest import skipIf, skipUnless

import django
from django.db import connection
from django.db.models.signals import (
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ..models import CreditNote, Document, Draft, Invoice, Memo
from .helpers import audited, recorded, senders


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


# --8<-- [start:child_save]
class MultiTableSaveTests(TestCase):
    def test_a_child_save_sends_once_with_the_child_as_sender(self):
        with (
            recorded(pre_save) as before,
            recorded(post_save) as after,
            recorded(post_save, sender=Document) as for_document,
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
            recorded(post_save) as calls,
            CaptureQueriesContext(connection) as queries,
        ):
            invoice.save()

        self.assertEqual(senders(calls), [Invoice])
        self.assertIs(audited(calls)[0]["created"], False)
        self.assertEqual(tables_written(queries), ["document", "invoice", "auditentry"])

    def test_a_child_of_a_child_writes_three_tables_and_sends_once(self):
        with (
            recorded(post_save) as calls,
            recorded(post_save, sender=Invoice) as for_invoice,
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
            recorded(post_save) as calls,
            CaptureQueriesContext(connection) as queries,
        ):
            invoice.save()

        self.assertEqual(senders(calls), [Invoice])
        self.assertEqual(audited(calls)[0]["update_fields"], frozenset({"amount"}))
        self.assertEqual(tables_written(queries), ["invoice", "auditentry"])


# --8<-- [start:child_delete]
class MultiTableDeleteTests(TestCase):
    def setUp(self):
        self.invoice = Invoice.objects.create(title="March", amount=Decimal("120"))

    def test_a_child_delete_sends_for_the_child_then_for_the_parent_row(self):
        with (
            recorded(pre_delete) as before,
            recorded(post_delete) as after,
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
            recorded(post_save, sender=Document) as saves,
            recorded(post_delete, sender=Document) as deletes,
        ):
            self.invoice.title = "March, paid"
            self.invoice.save()
            self.invoice.delete()

        self.assertEqual(saves, [])
        self.assertEqual(len(deletes), 1)

    # --8<-- [end:child_delete]

    def test_the_parent_row_is_built_from_the_child_and_sends_post_init(self):
        with recorded(post_init, sender=Document) as built:
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
            recorded(post_delete) as calls,
            CaptureQueriesContext(connection) as deferred_delete,
        ):
            deferred.delete()

        self.assertEqual(senders(calls), [Invoice, Document])
        self.assertEqual(len(deferred_delete), len(full_delete) + 1)

    def test_a_child_of_a_child_delete_sends_for_each_table(self):
        note = CreditNote.objects.create(
            title="Refund", amount=Decimal("-20"), reason="Damaged"
        )

        with recorded(post_delete) as calls:
            note.delete()

        self.assertEqual(senders(calls), [CreditNote, Invoice, Document])
        self.assertEqual({type(c["instance"]) for c in calls}, set(senders(calls)))

    def test_deleting_through_the_parent_deletes_and_signals_the_children(self):
        CreditNote.objects.create(
            title="Refund", amount=Decimal("-20"), reason="Damaged"
        )
        Draft.objects.create(title="Plan")

        with recorded(post_delete) as calls:
            Document.objects.all().delete()

        self.assertCountEqual(
            senders(calls),
            [CreditNote, Invoice, Invoice, Document, Document, Document],
        )
        self.assertFalse(Invoice.objects.exists())

    def test_deleting_the_parent_row_of_a_child_deletes_the_child(self):
        with recorded(post_delete) as calls:
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
        with recorded(post_delete) as calls:
            self.invoice.delete(keep_parents=True)

        self.assertIn(Invoice, senders(calls))
        self.assertNotIn(Document, senders(calls))
        self.assertTrue(Document.objects.filter(pk=self.draft.pk).exists())

    @skipUnless(django.VERSION >= (6, 1), "Django 6.1 keeps relations to proxies")
    def test_keep_parents_keeps_what_points_at_a_proxy_of_the_parent(self):
        with recorded(post_delete) as calls:
            self.invoice.delete(keep_parents=True)

        self.assertEqual(senders(calls), [Invoice])
        self.assertTrue(Memo.objects.filter(pk=self.memo.pk).exists())

    @skipIf(django.VERSION >= (6, 1), "Django 5.2 cascades through proxies")
    def test_keep_parents_deletes_what_points_at_a_proxy_of_the_parent(self):
        with recorded(post_delete) as calls:
            self.invoice.delete(keep_parents=True)

        self.assertCountEqual(senders(calls), [Memo, Invoice])
        self.assertFalse(Memo.objects.filter(pk=self.memo.pk).exists())


# --8<-- [end:keep_parents]
