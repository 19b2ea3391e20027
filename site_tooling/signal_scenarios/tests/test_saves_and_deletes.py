"""The create, update_fields and delete_cascade diagrams: what is sent, in order."""

from django.db import connection
from django.db.models.signals import post_init, post_save, pre_init, pre_save
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ..models import Author
from .helpers import AUTHOR, BOOK, THROUGH, sends


class CreateAndUpdateTests(TestCase):
    def test_create_sends_four_signals_from_the_model(self):
        self.assertEqual(
            sends("create"),
            [(s, AUTHOR) for s in ("pre_init", "post_init", "pre_save", "post_save")],
        )

    def test_only_post_save_comes_after_the_insert(self):
        signals = [pre_init, post_init, pre_save, post_save]
        with CaptureQueriesContext(connection) as queries:
            seen = []

            def note(signal, **kwargs):
                seen.append(len(queries.captured_queries))

            for signal in signals:
                signal.connect(note, sender=Author)
            try:
                Author.objects.create(name="Ada Lovelace")
            finally:
                for signal in signals:
                    signal.disconnect(note, sender=Author)

        self.assertEqual(seen, [0, 0, 0, 1])

    def test_update_fields_sends_only_the_two_save_signals(self):
        self.assertEqual(
            sends("update_fields"), [("pre_save", AUTHOR), ("post_save", AUTHOR)]
        )


class DeleteCascadeTests(TestCase):
    def test_the_books_are_loaded_then_every_pre_delete_precedes_every_post_delete(
        self,
    ):
        self.assertEqual(
            sends("delete_cascade"),
            [
                ("pre_init", BOOK),
                ("post_init", BOOK),
                ("pre_init", BOOK),
                ("post_init", BOOK),
                ("pre_init", THROUGH),
                ("post_init", THROUGH),
                ("pre_delete", BOOK),
                ("pre_delete", BOOK),
                ("pre_delete", AUTHOR),
                ("post_delete", BOOK),
                ("post_delete", BOOK),
                ("post_delete", AUTHOR),
            ],
        )
