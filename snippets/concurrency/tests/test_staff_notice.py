"""Notifying the staff once: a receiver run twice, and an IntegrityError it catches."""

from contextlib import suppress
from unittest import mock

from django.db import IntegrityError, transaction
from django.db.models.query import QuerySet
from django.db.transaction import TransactionManagementError
from django.test import TestCase, TransactionTestCase

from .. import signals
from ..models import Review, ReviewNotice
from .helpers import LOGGER, lamp, replaced


class NotifyStaffTests(TestCase):
    def setUp(self):
        self.review = Review.objects.create(product=lamp(), rating=5)

    def publish(self, review):
        review.published = True
        review.save()

    # --8<-- [start:twice]
    def test_a_published_review_saved_twice_notifies_the_staff_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.publish(self.review)
            self.review.rating = 4
            self.review.save()  # still published: the receiver runs again

        self.assertEqual(ReviewNotice.objects.count(), 1)

    def test_two_copies_publishing_the_review_at_once_notify_once(self):
        first = Review.objects.get(pk=self.review.pk)
        second = Review.objects.get(pk=self.review.pk)
        with (
            self.assertLogs(LOGGER, "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.publish(first)
            self.publish(second)

        self.assertEqual(ReviewNotice.objects.count(), 1)
        self.assertEqual(
            logs.output,
            [f"INFO:{LOGGER}:Staff notified of published review {self.review.pk}"],
        )

    # --8<-- [end:twice]

    def test_an_unpublished_review_notifies_nobody(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.review.rating = 4
            self.review.save()

        self.assertFalse(ReviewNotice.objects.exists())
        self.assertEqual(callbacks, [])

    def test_the_staff_are_told_only_once_committed(self):
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            self.publish(self.review)
            raise RuntimeError("the rest of the request failed")

        self.assertFalse(ReviewNotice.objects.exists())
        self.assertEqual(callbacks, [])

    # --8<-- [start:race]
    def test_a_notice_created_between_the_read_and_the_insert(self):
        real_get = QuerySet.get

        def get_then_another_request_inserts(queryset, *args, **kwargs):
            try:
                return real_get(queryset, *args, **kwargs)
            except ReviewNotice.DoesNotExist:
                # Another request inserts the notice just after this read.
                ReviewNotice.objects.bulk_create([ReviewNotice(review=self.review)])
                raise

        with (
            mock.patch.object(QuerySet, "get", get_then_another_request_inserts),
            self.captureOnCommitCallbacks() as callbacks,
            transaction.atomic(),  # the caller's transaction
        ):
            self.publish(self.review)  # the INSERT fails inside its savepoint
            self.assertEqual(Review.objects.filter(published=True).count(), 1)

        self.assertEqual(ReviewNotice.objects.count(), 1)
        self.assertEqual(callbacks, [])  # the other request tells the staff

    # --8<-- [end:race]


# --8<-- [start:careless_notice]
def notify_without_a_savepoint(sender, instance, **kwargs):
    if instance.published:
        # "Already notified": but the failed INSERT broke the caller's transaction.
        with suppress(IntegrityError):
            ReviewNotice.objects.create(review=instance)


# --8<-- [end:careless_notice]


# --8<-- [start:savepoint_notice]
def notify_in_a_savepoint(sender, instance, **kwargs):
    if instance.published:
        # atomic() inside suppress(): the failed INSERT rolls back to the
        # savepoint, then the error is dropped. The caller's transaction is fine.
        with suppress(IntegrityError), transaction.atomic():
            ReviewNotice.objects.create(review=instance)


# --8<-- [end:savepoint_notice]


class IntegrityErrorInAReceiverTests(TestCase):
    """The review is published and the staff notified; then it is edited."""

    def setUp(self):
        self.review = Review.objects.create(product=lamp(), rating=5, published=True)

    # --8<-- [start:broken_transaction]
    def test_without_a_savepoint_the_callers_next_query_fails(self):
        with (
            replaced(signals.notify_staff, notify_without_a_savepoint, Review),
            transaction.atomic(),  # the caller's, or ATOMIC_REQUESTS
        ):
            self.review.rating = 4
            self.review.save()  # returns as if all went well
            with self.assertRaises(TransactionManagementError):
                Review.objects.count()

    def test_without_a_savepoint_the_callers_work_is_rolled_back_silently(self):
        with (
            replaced(signals.notify_staff, notify_without_a_savepoint, Review),
            transaction.atomic(),
        ):
            self.review.rating = 4
            self.review.save()
        # The block ended without an exception, and without the change.

        self.assertEqual(Review.objects.get().rating, 5)

    def test_with_a_savepoint_the_caller_carries_on(self):
        with (
            replaced(signals.notify_staff, notify_in_a_savepoint, Review),
            transaction.atomic(),
        ):
            self.review.rating = 4
            self.review.save()
            self.assertEqual(Review.objects.count(), 1)

        self.assertEqual(Review.objects.get().rating, 4)
        self.assertEqual(ReviewNotice.objects.count(), 1)

    # --8<-- [end:broken_transaction]

    def test_the_apps_receiver_keeps_the_callers_transaction_too(self):
        with transaction.atomic():
            self.review.rating = 4
            self.review.save()
            self.assertEqual(Review.objects.count(), 1)

        self.assertEqual(Review.objects.get().rating, 4)
        self.assertEqual(ReviewNotice.objects.count(), 1)


class IntegrityErrorInAutocommitTests(TransactionTestCase):
    # --8<-- [start:hidden]
    def test_outside_a_transaction_the_careless_receiver_looks_fine(self):
        review = Review.objects.create(product=lamp(), rating=5, published=True)
        with replaced(signals.notify_staff, notify_without_a_savepoint, Review):
            review.rating = 4
            review.save()  # autocommit: no transaction to break

        self.assertEqual(Review.objects.get().rating, 4)

    # --8<-- [end:hidden]
