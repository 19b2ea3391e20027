"""The tables of a save are one transaction; a receiver's exception can undo it."""

from decimal import Decimal

from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.test import TransactionTestCase

from ..models import Document, Invoice


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
