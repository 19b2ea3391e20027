"""What the models show as text."""

from django.test import SimpleTestCase

from ..models import Comment, Invoice


class ModelStrTests(SimpleTestCase):
    def test_an_invoice_shows_its_number(self):
        self.assertEqual(str(Invoice(number="INV-00007")), "INV-00007")

    def test_an_invoice_without_a_number_says_so(self):
        self.assertEqual(str(Invoice()), "(unnumbered invoice)")

    def test_a_comment_shows_its_post_and_the_first_30_characters(self):
        comment = Comment(post_title="Receivers", body="0123456789" * 4)

        self.assertEqual(str(comment), "On Receivers: " + "0123456789" * 3)
