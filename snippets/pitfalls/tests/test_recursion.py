"""save() in post_save recurses; update() or an update_fields guard does not."""

from django.db.models.signals import post_save
from django.test import TestCase

from .. import broken
from ..models import Invoice
from ..signals import number_new_invoice
from .helpers import connected


# --8<-- [start:recursion]
def number_invoice_guarded(sender, instance, created, update_fields, **kwargs):
    """Another fix: save only the number, and ignore that save when it comes."""
    if update_fields == {"number"}:
        return  # the save below: stop here
    instance.number = f"INV-{instance.pk:05d}"
    instance.save(update_fields=["number"])


class RecursionTests(TestCase):
    def test_save_in_post_save_recurses_until_python_gives_up(self):
        with (
            connected(post_save, broken.number_invoice_with_save, Invoice),
            self.assertRaises(RecursionError),
        ):
            Invoice.objects.create(customer_email="ada@example.com")

    def test_update_numbers_the_invoice_without_another_post_save(self):
        saves = []

        def count(sender, **kwargs):
            saves.append(sender)

        post_save.connect(count, sender=Invoice, weak=False)
        self.addCleanup(post_save.disconnect, count, sender=Invoice)

        invoice = Invoice.objects.create(customer_email="ada@example.com")

        self.assertEqual(invoice.number, f"INV-{invoice.pk:05d}")
        self.assertEqual(Invoice.objects.get().number, invoice.number)
        self.assertEqual(saves, [Invoice])  # one post_save in all

    def test_later_saves_keep_the_number(self):
        invoice = Invoice.objects.create(customer_email="ada@example.com")
        number = invoice.number

        invoice.customer_email = "ada@example.org"
        invoice.save()

        self.assertEqual(Invoice.objects.get().number, number)

    def test_an_update_fields_guard_also_stops_the_recursion(self):
        uid = "pitfalls.number_new_invoice"
        self.assertTrue(post_save.disconnect(sender=Invoice, dispatch_uid=uid))
        self.addCleanup(
            post_save.connect,
            number_new_invoice,
            sender=Invoice,
            dispatch_uid=uid,
        )

        with connected(post_save, number_invoice_guarded, Invoice):
            invoice = Invoice.objects.create(customer_email="ada@example.com")

        self.assertEqual(Invoice.objects.get().number, f"INV-{invoice.pk:05d}")


# --8<-- [end:recursion]
