"""Two copies of one row, both saved: what is lost, what update_fields and F() keep."""

from contextlib import contextmanager
from decimal import Decimal
from unittest import mock, skipIf, skipUnless

import django
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.test import TestCase

from ..models import Product
from .helpers import connected, lamp, stored


@contextmanager
def seen_by_receivers(*fields):
    """The values a post_save receiver of Product finds on its instance."""
    seen = []

    def look(sender, instance, **kwargs):
        seen.append(tuple(getattr(instance, field) for field in fields))

    with connected(post_save, look, Product):
        yield seen


class StaleInstanceTests(TestCase):
    """Two requests load the same product, then both save it."""

    def setUp(self):
        self.pk = lamp().pk
        self.first = Product.objects.get(pk=self.pk)
        self.second = Product.objects.get(pk=self.pk)

    # --8<-- [start:lost_update]
    def test_the_second_save_overwrites_the_first(self):
        with seen_by_receivers("name", "price") as seen:
            with transaction.atomic():
                self.first.price = Decimal("30.00")
                self.first.save()
            with transaction.atomic():
                self.second.name = "Reading lamp"
                self.second.save()  # writes every field: price 20.00 too

        self.assertEqual(stored("name", "price"), ("Reading lamp", Decimal("20.00")))
        # Each receiver saw the instance it was sent, not the row.
        self.assertEqual(
            seen,
            [("Desk lamp", Decimal("30.00")), ("Reading lamp", Decimal("20.00"))],
        )

    # --8<-- [end:lost_update]

    # --8<-- [start:update_fields]
    def test_update_fields_writes_only_what_changed(self):
        with seen_by_receivers("name", "price") as seen:
            with transaction.atomic():
                self.first.price = Decimal("30.00")
                self.first.save(update_fields=["price"])
            with transaction.atomic():
                self.second.name = "Reading lamp"
                self.second.save(update_fields=["name"])

        self.assertEqual(stored("name", "price"), ("Reading lamp", Decimal("30.00")))
        # The second receiver still finds the stale price on its instance.
        self.assertEqual(seen[1], ("Reading lamp", Decimal("20.00")))

    # --8<-- [end:update_fields]

    def test_post_save_gets_the_update_fields_it_may_trust(self):
        calls = []

        def look(sender, instance, update_fields, **kwargs):
            calls.append(update_fields)

        with connected(post_save, look, Product):
            self.second.name = "Reading lamp"
            self.second.save(update_fields=["name"])

        self.assertEqual(calls, [frozenset({"name"})])

    def test_update_fields_cannot_save_two_changes_of_one_field(self):
        with transaction.atomic():
            self.first.price = Decimal("30.00")
            self.first.save(update_fields=["price"])
        with transaction.atomic():
            self.second.price = Decimal("25.00")
            self.second.save(update_fields=["price"])

        self.assertEqual(stored("price"), (Decimal("25.00"),))  # the last one wins

    # --8<-- [start:f_expressions]
    def test_f_expressions_let_the_database_apply_both_changes(self):
        for copy in (self.first, self.second):
            copy.stock = F("stock") - 1  # UPDATE ... SET stock = stock - 1
            copy.save(update_fields=["stock"])

        self.assertEqual(stored("stock"), (8,))

    # --8<-- [end:f_expressions]

    def test_f_with_a_plain_save_still_writes_every_other_field(self):
        with transaction.atomic():
            self.first.price = Decimal("30.00")
            self.first.save()
        with transaction.atomic():
            self.second.stock = F("stock") - 1
            self.second.save()  # the stock is right, the price is stale

        self.assertEqual(stored("price", "stock"), (Decimal("20.00"), 9))

    # --8<-- [start:f_read_back]
    @skipUnless(django.VERSION >= (6, 0), "save() reads F() results back from 6.0")
    def test_save_reads_the_computed_value_back(self):
        with seen_by_receivers("stock") as seen, self.assertNumQueries(1):
            self.first.stock = F("stock") - 1
            self.first.save(update_fields=["stock"])  # UPDATE ... RETURNING

        self.assertEqual(self.first.stock, 9)
        self.assertEqual(seen, [(9,)])  # receivers get the number too
        self.first.save(update_fields=["stock"])  # writes 9 again
        self.assertEqual(stored("stock"), (9,))

    @skipIf(django.VERSION >= (6, 0), "Django 6.0 reads the computed value back")
    def test_before_django_6_the_instance_keeps_the_expression(self):
        with seen_by_receivers("stock") as seen:
            self.first.stock = F("stock") - 1
            self.first.save(update_fields=["stock"])

        self.assertTrue(hasattr(self.first.stock, "resolve_expression"))
        self.assertTrue(hasattr(seen[0][0], "resolve_expression"))
        self.first.save(update_fields=["stock"])  # runs stock - 1 again
        self.assertEqual(stored("stock"), (8,))
        self.first.refresh_from_db(fields=["stock"])
        self.assertEqual(self.first.stock, 8)

    # --8<-- [end:f_read_back]

    @skipUnless(django.VERSION >= (6, 0), "save() reads F() results back from 6.0")
    def test_without_update_returning_the_field_is_loaded_when_read(self):
        # MySQL and MariaDB cannot return rows from an UPDATE.
        with mock.patch.object(
            connection.features, "can_return_rows_from_update", False
        ):
            self.first.stock = F("stock") - 1
            self.first.save(update_fields=["stock"])

        self.assertIn("stock", self.first.get_deferred_fields())
        with self.assertNumQueries(1):
            self.assertEqual(self.first.stock, 9)
