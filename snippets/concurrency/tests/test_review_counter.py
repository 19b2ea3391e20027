"""Counting reviews in a receiver: Python loses counts, the database does not."""

from django.core import serializers
from django.db import transaction
from django.test import TestCase

from .. import signals
from ..models import Product, Review, ReviewNotice
from .helpers import LOGGER, lamp, replaced, statements, stored


class ReviewCounterTests(TestCase):
    def setUp(self):
        self.pk = lamp().pk

    def counters(self):
        return stored("review_count", "top_rating")

    # --8<-- [start:count_race]
    def test_counting_in_python_loses_a_review_and_the_top_rating(self):
        first = Product.objects.get(pk=self.pk)  # each request has its copy
        second = Product.objects.get(pk=self.pk)
        with replaced(signals.count_review, count_review_in_python, Review):
            Review.objects.create(product=first, rating=5)
            Review.objects.create(product=second, rating=4)

        self.assertEqual(self.counters(), (1, 4))  # should be 2 reviews, top 5

    def test_the_receiver_counts_in_the_database(self):
        first = Product.objects.get(pk=self.pk)
        second = Product.objects.get(pk=self.pk)
        Review.objects.create(product=first, rating=5)
        Review.objects.create(product=second, rating=4)

        self.assertEqual(self.counters(), (2, 5))

    # --8<-- [end:count_race]

    # --8<-- [start:caller_copy]
    def test_a_later_plain_save_of_the_callers_copy_undoes_the_count(self):
        product = Product.objects.get(pk=self.pk)
        Review.objects.create(product=product, rating=5)
        self.assertEqual(product.review_count, 0)  # the caller's copy is stale

        with transaction.atomic():
            product.name = "Reading lamp"
            product.save()  # writes review_count=0, top_rating=0 back

        self.assertEqual(self.counters(), (0, 0))

    def test_update_fields_keeps_the_count(self):
        product = Product.objects.get(pk=self.pk)
        Review.objects.create(product=product, rating=5)

        product.name = "Reading lamp"
        product.save(update_fields=["name"])

        self.assertEqual(self.counters(), (1, 5))

    def test_refresh_from_db_before_the_save_keeps_the_count(self):
        product = Product.objects.get(pk=self.pk)
        Review.objects.create(product=product, rating=5)

        product.refresh_from_db()  # now holds the count the receiver wrote
        with transaction.atomic():
            product.name = "Reading lamp"
            product.save()

        self.assertEqual(self.counters(), (1, 5))

    # --8<-- [end:caller_copy]

    def test_counting_runs_two_updates_and_no_save_signals(self):
        with statements() as review_added:
            Review.objects.create(product_id=self.pk, rating=5)

        # update() sends no pre_save: the price history reads nothing.
        self.assertEqual(review_added, ["INSERT", "UPDATE", "UPDATE"])

    def test_an_edited_review_is_not_counted_again(self):
        review = Review.objects.create(product_id=self.pk, rating=3)
        review.rating = 5
        review.save()

        self.assertEqual(self.counters(), (1, 3))

    def test_only_a_new_top_rating_is_logged_after_the_commit(self):
        with self.captureOnCommitCallbacks() as callbacks, self.assertNoLogs(LOGGER):
            for rating in (4, 3, 4, 5):
                Review.objects.create(product_id=self.pk, rating=rating)

        with self.assertLogs(LOGGER, "INFO") as logs:
            for callback in callbacks:
                callback()
        self.assertEqual(
            logs.output,
            [
                f"INFO:{LOGGER}:Product {self.pk} has a new top rating: 4",
                f"INFO:{LOGGER}:Product {self.pk} has a new top rating: 5",
            ],
        )
        self.assertEqual(self.counters(), (4, 5))

    def test_loaddata_brings_its_own_counts(self):
        data = (
            '[{"model": "concurrency.review", "pk": 7,'
            f' "fields": {{"product": {self.pk}, "rating": 5, "published": true}}}}]'
        )
        for deserialized in serializers.deserialize("json", data):
            deserialized.save()

        self.assertEqual(self.counters(), (0, 0))
        self.assertFalse(ReviewNotice.objects.exists())


# --8<-- [start:count_in_python]
def count_review_in_python(sender, instance, created, **kwargs):
    """Read, add one, write back: from the copy of the product the caller holds."""
    if created:
        product = instance.product
        product.review_count += 1
        product.top_rating = max(product.top_rating, instance.rating)
        product.save(update_fields=["review_count", "top_rating"])


# --8<-- [end:count_in_python]
