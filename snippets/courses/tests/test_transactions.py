"""A delete and its signals share one transaction: a failing receiver undoes it."""

from contextlib import suppress

from django.db import connection, transaction
from django.db.models.signals import post_delete, pre_delete
from django.db.transaction import TransactionManagementError
from django.test import TransactionTestCase

from ..models import Course, Lesson, Student


class CascadeTransactionTests(TransactionTestCase):
    """Runs in autocommit, as a view or a shell session does."""

    def setUp(self):
        self.course = Course.objects.create(title="Compilers")
        Lesson.objects.create(course=self.course, title="Parsing")

    def test_the_signals_run_inside_one_transaction(self):
        seen = []

        def in_transaction(sender, **kwargs):
            seen.append(connection.in_atomic_block)

        for signal in (pre_delete, post_delete):
            signal.connect(in_transaction, sender=Lesson)
        try:
            self.course.delete()
        finally:
            for signal in (pre_delete, post_delete):
                signal.disconnect(in_transaction, sender=Lesson)

        self.assertEqual(seen, [True, True])

    def test_an_error_in_post_delete_rolls_back_the_whole_cascade(self):
        def fail(sender, **kwargs):
            raise RuntimeError("receiver failed")

        post_delete.connect(fail, sender=Course)
        try:
            with self.assertRaises(RuntimeError):
                self.course.delete()
        finally:
            post_delete.disconnect(fail, sender=Course)

        self.assertTrue(Course.objects.filter(pk=self.course.pk).exists())
        self.assertEqual(Lesson.objects.filter(course=self.course).count(), 1)


class CascadeInsideAtomicTests(TransactionTestCase):
    """Inside atomic(), as with ATOMIC_REQUESTS, the delete has no savepoint."""

    def setUp(self):
        self.course = Course.objects.create(title="Compilers")
        Lesson.objects.create(course=self.course, title="Parsing")
        post_delete.connect(self.fail_receiver, sender=Course)
        self.addCleanup(post_delete.disconnect, self.fail_receiver, sender=Course)

    @staticmethod
    def fail_receiver(sender, **kwargs):
        raise RuntimeError("receiver failed")

    def test_a_failing_receiver_dooms_the_whole_block(self):
        with transaction.atomic():
            Student.objects.create(name="Ada")
            with self.assertRaises(RuntimeError):
                self.course.delete()
            with self.assertRaises(TransactionManagementError):
                Student.objects.count()  # no query runs until the block ends

        self.assertFalse(Student.objects.exists())  # rolled back with the delete
        self.assertTrue(Course.objects.filter(pk=self.course.pk).exists())

    # --8<-- [start:own_savepoint]
    def test_a_savepoint_of_your_own_keeps_the_rest_of_the_block(self):
        with transaction.atomic():
            Student.objects.create(name="Ada")
            with suppress(RuntimeError), transaction.atomic():  # a savepoint
                self.course.delete()

        self.assertTrue(Student.objects.exists())
        self.assertEqual(Lesson.objects.filter(course=self.course).count(), 1)

    # --8<-- [end:own_savepoint]
