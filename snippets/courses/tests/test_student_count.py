"""The app at work: each course's student_count follows the relation."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from ..models import Course, Student
from .helpers import Enrolment


class StudentCountTests(TestCase):
    def setUp(self):
        self.compilers = Course.objects.create(title="Compilers")
        self.databases = Course.objects.create(title="Databases")
        self.ada, self.bob = (
            Student.objects.create(name=name) for name in ("Ada", "Bob")
        )

    def counts(self):
        return {
            course.title: course.student_count
            for course in Course.objects.filter(
                pk__in=[self.compilers.pk, self.databases.pk]
            )
        }

    def test_adding_students_to_a_course(self):
        self.compilers.students.add(self.ada, self.bob)

        self.assertEqual(self.counts(), {"Compilers": 2, "Databases": 0})

    def test_adding_courses_to_a_student(self):
        self.ada.courses.add(self.compilers, self.databases)

        self.assertEqual(self.counts(), {"Compilers": 1, "Databases": 1})

    def test_removing_from_either_side(self):
        self.compilers.students.add(self.ada, self.bob)
        self.compilers.students.remove(self.ada)
        self.bob.courses.remove(self.compilers)

        self.assertEqual(self.counts(), {"Compilers": 0, "Databases": 0})

    def test_clearing_a_course(self):
        self.compilers.students.add(self.ada, self.bob)
        self.compilers.students.clear()

        self.assertEqual(self.counts(), {"Compilers": 0, "Databases": 0})

    def test_clearing_a_student_updates_every_course_they_left(self):
        self.ada.courses.add(self.compilers, self.databases)
        self.bob.courses.add(self.compilers)
        self.ada.courses.clear()

        self.assertEqual(self.counts(), {"Compilers": 1, "Databases": 0})

    def test_set_from_the_student_side(self):
        self.ada.courses.add(self.compilers)
        self.ada.courses.set([self.databases])

        self.assertEqual(self.counts(), {"Compilers": 0, "Databases": 1})

    def test_set_with_clear_true(self):
        self.compilers.students.add(self.ada)
        self.compilers.students.set([self.ada, self.bob], clear=True)

        self.assertEqual(self.counts(), {"Compilers": 2, "Databases": 0})

    def test_rows_written_to_the_through_table_directly_are_not_counted(self):
        Enrolment.objects.create(course=self.compilers, student=self.ada)

        self.assertEqual(self.counts(), {"Compilers": 0, "Databases": 0})

    def test_deleting_a_student_updates_every_course_they_took(self):
        self.compilers.students.add(self.ada, self.bob)
        self.databases.students.add(self.ada)

        self.ada.delete()

        self.assertEqual(self.counts(), {"Compilers": 1, "Databases": 0})

    def test_deleting_students_through_a_queryset_too(self):
        self.compilers.students.add(self.ada, self.bob)

        Student.objects.filter(pk__in=[self.ada.pk, self.bob.pk]).delete()

        self.assertEqual(self.counts(), {"Compilers": 0, "Databases": 0})

    def test_adding_nobody_new_writes_nothing(self):
        self.compilers.students.add(self.ada)

        with self.assertNoLogs("courses.signals", "INFO"):
            self.compilers.students.add(self.ada)

    def test_removing_a_course_from_a_student_recounts_that_course_only(self):
        self.ada.courses.add(self.compilers, self.databases)

        # Delete the row, count the course's students, store the count. Only
        # clear() has the receiver read the student's courses first.
        with CaptureQueriesContext(connection) as queries:
            self.ada.courses.remove(self.compilers)

        self.assertEqual(
            [q["sql"].split()[0] for q in queries], ["DELETE", "SELECT", "UPDATE"]
        )
        self.assertEqual(self.counts(), {"Compilers": 0, "Databases": 1})

    def test_each_refresh_is_logged(self):
        with self.assertLogs("courses.signals", "INFO") as logs:
            self.compilers.students.add(self.ada)

        self.assertEqual(
            logs.output,
            [f"INFO:courses.signals:Course {self.compilers.pk} now has 1 students"],
        )
