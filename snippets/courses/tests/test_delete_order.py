"""A cascading delete: the order of its signals, and the DELETE statements."""

import re
from collections import Counter
from contextlib import contextmanager

from django.db import connection
from django.db.models.signals import post_delete, pre_delete
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ..models import Course, Lesson, Student
from .helpers import Enrolment, recorded


@contextmanager
def delete_signals(*models):
    """Record each delete signal, and whether the course row still existed."""
    events = []

    def record(signal, sender, instance, **kwargs):
        name = "pre_delete" if signal is pre_delete else "post_delete"
        course_id = instance.pk if sender is Course else instance.course_id
        row_exists = Course.objects.filter(pk=course_id).exists()
        events.append(
            (name, sender.__name__, str(instance), instance.pk is not None, row_exists)
        )

    for model in models:
        pre_delete.connect(record, sender=model, weak=False)
        post_delete.connect(record, sender=model, weak=False)
    try:
        yield events
    finally:
        for model in models:
            pre_delete.disconnect(record, sender=model)
            post_delete.disconnect(record, sender=model)


def delete_statements(queries):
    """How many DELETE statements ran, per table."""
    tables = (
        re.match(r"DELETE FROM [`\"]?(\w+)", query["sql"])
        for query in queries.captured_queries
    )
    return Counter(match[1] for match in tables if match)


class CascadeDeleteTests(TestCase):
    def setUp(self):
        self.course = Course.objects.create(title="Compilers")
        Lesson.objects.create(course=self.course, title="Parsing")
        Lesson.objects.create(course=self.course, title="Code generation")

    def test_every_pre_delete_first_then_per_model_one_delete_and_post_delete(self):
        databases = Course.objects.create(title="Databases")
        Lesson.objects.create(course=databases, title="Indexes")
        courses = Course.objects.filter(pk__in=[self.course.pk, databases.pk])

        with (
            delete_signals(Course, Lesson) as events,
            CaptureQueriesContext(connection) as queries,
        ):
            courses.delete()

        # (signal, model, object, pk still set, its course row still there)
        self.assertEqual(
            events,
            [
                ("pre_delete", "Lesson", "Parsing", True, True),
                ("pre_delete", "Lesson", "Code generation", True, True),
                ("pre_delete", "Lesson", "Indexes", True, True),
                ("pre_delete", "Course", "Compilers", True, True),
                ("pre_delete", "Course", "Databases", True, True),
                # Within a model, post_delete runs in the reverse order.
                ("post_delete", "Lesson", "Indexes", True, True),
                ("post_delete", "Lesson", "Code generation", True, True),
                ("post_delete", "Lesson", "Parsing", True, True),
                ("post_delete", "Course", "Databases", True, False),
                ("post_delete", "Course", "Compilers", True, False),
            ],
        )
        # One DELETE per table, however many objects: not one per object.
        self.assertEqual(
            delete_statements(queries),
            {"courses_course_students": 1, "courses_lesson": 1, "courses_course": 1},
        )

    def test_rows_of_the_many_to_many_table_get_no_delete_signals(self):
        self.course.students.add(Student.objects.create(name="Ada"))

        with (
            recorded(pre_delete, sender=Enrolment) as before,
            recorded(post_delete, sender=Enrolment) as after,
        ):
            self.course.delete()

        self.assertEqual((before, after), ([], []))
        self.assertFalse(Enrolment.objects.exists())

    def test_a_delete_statement_takes_at_most_100_objects(self):
        Lesson.objects.bulk_create(
            Lesson(course=self.course, title=f"Part {i}") for i in range(248)
        )

        with (
            recorded(post_delete, sender=Lesson) as calls,
            CaptureQueriesContext(connection) as queries,
        ):
            self.course.delete()

        self.assertEqual(len(calls), 250)
        self.assertEqual(delete_statements(queries)["courses_lesson"], 3)

    def test_the_lessons_are_gone_when_the_course_s_post_delete_runs(self):
        seen = []

        def count_lessons(sender, instance, **kwargs):
            seen.append(Lesson.objects.filter(course_id=instance.pk).count())

        post_delete.connect(count_lessons, sender=Course)
        try:
            self.course.delete()
        finally:
            post_delete.disconnect(count_lessons, sender=Course)

        self.assertEqual(seen, [0])

    def test_pk_is_none_only_after_delete_returns(self):
        with delete_signals(Course) as events:
            self.course.delete()

        self.assertEqual([pk_set for *_, pk_set, _ in events], [True, True])
        self.assertIsNone(self.course.pk)

    def test_delete_signals_carry_the_object_delete_was_called_on(self):
        with recorded(pre_delete, sender=Lesson) as calls:
            self.course.delete()

        self.assertEqual(len(calls), 2)
        self.assertTrue(all(c["origin"] is self.course for c in calls))

    def test_queryset_delete_passes_the_queryset_as_origin(self):
        courses = Course.objects.filter(pk=self.course.pk)
        with recorded(pre_delete, sender=Lesson) as calls:
            courses.delete()

        self.assertTrue(all(c["origin"] is courses for c in calls))

    def test_queryset_delete_sends_the_signals_for_every_object(self):
        other = Course.objects.create(title="Databases")
        Lesson.objects.create(course=other, title="Indexes")

        with delete_signals(Course, Lesson) as events:
            Course.objects.filter(pk__in=[self.course.pk, other.pk]).delete()

        self.assertEqual(
            Counter((name, model) for name, model, *_ in events),
            {
                ("pre_delete", "Course"): 2,
                ("pre_delete", "Lesson"): 3,
                ("post_delete", "Course"): 2,
                ("post_delete", "Lesson"): 3,
            },
        )
