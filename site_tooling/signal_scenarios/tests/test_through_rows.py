"""When Django loads the rows of Book_tags, and that it never signals them."""

from django.db.models.signals import m2m_changed, post_delete, pre_delete, pre_init
from django.test import TestCase

from ..scenarios import BOOK_TAGS, _library
from .helpers import recorded


class ThroughRowTests(TestCase):
    """Rows of Book_tags are loaded before deletion only when someone listens."""

    def setUp(self):
        for signal in (pre_delete, post_delete):
            self.assertFalse(
                signal.has_listeners(BOOK_TAGS),
                f"Some app listens to {signal} for every model; these tests "
                "need Book.tags.through to have no delete receivers.",
            )

    def test_remove_loads_no_through_row_when_nobody_listens_to_deletes(self):
        notes, _, math, _ = _library()
        notes.tags.add(math)

        with recorded(pre_init, sender=BOOK_TAGS) as created:
            notes.tags.remove(math)

        self.assertEqual(created, [])

    def test_a_cascade_loads_no_through_row_when_nobody_listens_to_deletes(self):
        notes, _, math, _ = _library()
        notes.tags.add(math)

        with recorded(pre_init, sender=BOOK_TAGS) as created:
            notes.author.delete()

        self.assertEqual(created, [])

    def test_a_delete_receiver_makes_django_load_them_but_not_signal_them(self):
        notes, _, math, _ = _library()
        notes.tags.add(math)

        with (
            recorded(pre_delete) as pre_deletes,
            recorded(post_delete) as post_deletes,
            recorded(pre_init, sender=BOOK_TAGS) as created,
        ):
            notes.tags.remove(math)

        self.assertEqual(len(created), 1)
        deletes = pre_deletes + post_deletes
        self.assertNotIn(BOOK_TAGS, [send["sender"] for send in deletes])

    def test_add_makes_through_objects_only_for_new_rows_when_someone_listens(self):
        self.assertFalse(m2m_changed.has_listeners(BOOK_TAGS))
        notes, _, math, poetry = _library()
        notes.tags.add(math)

        with recorded(pre_init, sender=BOOK_TAGS) as unheard:
            notes.tags.add(math, poetry)  # one object per pk; the database skips math
        notes.tags.remove(poetry)
        with (
            recorded(m2m_changed, sender=BOOK_TAGS),
            recorded(pre_init, sender=BOOK_TAGS) as heard,
        ):
            notes.tags.add(math, poetry)  # Django first asks which pks are new

        self.assertEqual((len(unheard), len(heard)), (2, 1))
        self.assertEqual(set(notes.tags.all()), {math, poetry})
