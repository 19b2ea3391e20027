"""The m2m_add, m2m_remove and m2m_clear diagrams, and when pre_ and post_ run."""

from django.db.models.signals import m2m_changed
from django.test import TestCase

from ..scenarios import BOOK_TAGS, _library, record
from .helpers import BOOK, TAG, THROUGH, sends


class ManyToManyTests(TestCase):
    def m2m_sends(self, name):
        return [
            (
                send["kwargs"]["action"],
                send["kwargs"]["reverse"],
                send["kwargs"]["model"],
                send["kwargs"]["pk_set"],
            )
            for send in record(name)["sends"]
            if send["signal"] == "m2m_changed"
        ]

    def test_add_from_both_sides(self):
        self.assertEqual(
            self.m2m_sends("m2m_add"),
            [
                ("'pre_add'", "False", TAG, "{2}"),  # math was there already
                ("'post_add'", "False", TAG, "{2}"),
                ("'pre_add'", "True", BOOK, "{1}"),
                ("'post_add'", "True", BOOK, "{1}"),
            ],
        )

    def test_remove_from_both_sides(self):
        self.assertEqual(
            self.m2m_sends("m2m_remove"),
            [
                ("'pre_remove'", "False", TAG, "{2}"),
                ("'post_remove'", "False", TAG, "{2}"),
                ("'pre_remove'", "True", BOOK, "{1}"),
                ("'post_remove'", "True", BOOK, "{1}"),
            ],
        )

    def test_clear_from_both_sides_tells_no_pks(self):
        self.assertEqual(
            self.m2m_sends("m2m_clear"),
            [
                ("'pre_clear'", "False", TAG, "None"),
                ("'post_clear'", "False", TAG, "None"),
                ("'pre_clear'", "True", BOOK, "None"),
                ("'post_clear'", "True", BOOK, "None"),
            ],
        )

    def test_the_through_model_is_the_sender_from_both_sides(self):
        for name in ("m2m_add", "m2m_remove", "m2m_clear"):
            with self.subTest(name):
                self.assertEqual({sender for _, sender in sends(name)}, {THROUGH})

    def test_pre_add_comes_before_the_insert_and_post_add_after(self):
        notes, _, math, _ = _library()
        seen = []

        def check(sender, instance, action, pk_set, **kwargs):
            seen.append((action, instance.tags.filter(pk__in=pk_set).exists()))

        m2m_changed.connect(check, sender=BOOK_TAGS)
        try:
            notes.tags.add(math)
        finally:
            m2m_changed.disconnect(check, sender=BOOK_TAGS)

        self.assertEqual(seen, [("pre_add", False), ("post_add", True)])

    def test_pre_clear_is_the_moment_to_read_what_is_cleared(self):
        notes, _, math, poetry = _library()
        notes.tags.add(math, poetry)
        read = []

        def read_tags(sender, instance, action, **kwargs):
            read.append((action, sorted(tag.name for tag in instance.tags.all())))

        m2m_changed.connect(read_tags, sender=BOOK_TAGS)
        try:
            notes.tags.clear()
        finally:
            m2m_changed.disconnect(read_tags, sender=BOOK_TAGS)

        self.assertEqual(read, [("pre_clear", ["math", "poetry"]), ("post_clear", [])])
