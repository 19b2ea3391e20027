"""The loaddata diagram: each row of the fixture, then the many-to-many rows."""

from django.test import TestCase

from .helpers import AUTHOR, BOOK, TAG, THROUGH, sends, values


class LoaddataTests(TestCase):
    def test_every_row_is_saved_then_the_m2m_is_added(self):
        recording = sends("loaddata")
        per_row = ["pre_init", "post_init", "pre_save", "post_save"]
        self.assertEqual(
            recording,
            [(s, model) for model in (AUTHOR, TAG, BOOK) for s in per_row]
            + [
                ("m2m_changed", THROUGH),
                ("pre_init", THROUGH),
                ("post_init", THROUGH),
                ("m2m_changed", THROUGH),
            ],
        )
        self.assertEqual(set(values("loaddata", "post_save", "created")), {"True"})
