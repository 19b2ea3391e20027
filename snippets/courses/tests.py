import re
from collections import Counter
from contextlib import contextmanager, suppress
from unittest import skipIf, skipUnless

import django
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.db.transaction import TransactionManagementError
from django.forms import modelform_factory
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext, isolate_apps

from .models import Course, Lesson, Student

Enrolment = Course.students.through


@contextmanager
def captured(signal, sender=None):
    """Collect the keyword arguments of every send while the block runs."""
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    signal.connect(receiver, sender=sender, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver, sender=sender)


def actions(calls):
    return [(c["action"], c["pk_set"]) for c in calls]


class M2MChangedArgumentTests(TestCase):
    def setUp(self):
        self.course = Course.objects.create(title="Compilers")
        self.ada, self.bob, self.cy = (
            Student.objects.create(name=name) for name in ("Ada", "Bob", "Cy")
        )

    def test_add_sends_pre_add_and_post_add_with_the_added_pks(self):
        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada, self.bob)

        pks = {self.ada.pk, self.bob.pk}
        self.assertEqual(actions(calls), [("pre_add", pks), ("post_add", pks)])

    def test_the_sender_is_the_through_model(self):
        with captured(m2m_changed) as calls:
            self.course.students.add(self.ada)

        self.assertEqual({c["sender"] for c in calls}, {Enrolment})
        self.assertTrue(Enrolment._meta.auto_created)

    def test_forward_change_instance_is_the_course_and_model_the_student(self):
        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada)

        call = calls[-1]
        self.assertIs(call["instance"], self.course)
        self.assertIs(call["model"], Student)
        self.assertIs(call["reverse"], False)
        self.assertEqual(call["using"], "default")

    def test_reverse_change_instance_is_the_student_and_model_the_course(self):
        with captured(m2m_changed, sender=Enrolment) as calls:
            self.ada.courses.add(self.course)

        call = calls[-1]
        self.assertIs(call["instance"], self.ada)
        self.assertIs(call["model"], Course)
        self.assertIs(call["reverse"], True)
        self.assertEqual(call["pk_set"], {self.course.pk})

    def test_adding_an_existing_member_again_sends_an_empty_pk_set(self):
        self.course.students.add(self.ada)

        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada, self.bob)
            self.course.students.add(self.ada)

        self.assertEqual(
            actions(calls),
            [
                ("pre_add", {self.bob.pk}),
                ("post_add", {self.bob.pk}),
                ("pre_add", set()),
                ("post_add", set()),
            ],
        )

    def test_add_sends_no_post_save_for_either_side(self):
        with captured(post_save) as calls:
            self.course.students.add(self.ada)

        senders = {c["sender"] for c in calls}
        self.assertFalse(senders & {Course, Student, Enrolment})

    def test_a_model_form_saves_m2m_after_post_save(self):
        seen_in_post_save = []

        def students_now(sender, instance, **kwargs):
            seen_in_post_save.append(list(instance.students.all()))

        CourseForm = modelform_factory(Course, fields=["title", "students"])
        form = CourseForm({"title": "Compilers", "students": [self.ada.pk]})
        post_save.connect(students_now, sender=Course)
        try:
            course = form.save()
        finally:
            post_save.disconnect(students_now, sender=Course)

        self.assertEqual(seen_in_post_save, [[]])
        self.assertEqual(list(course.students.all()), [self.ada])

    def test_remove_sends_every_pk_given_even_ones_not_there(self):
        self.course.students.add(self.ada)
        pks = {self.ada.pk, self.bob.pk}

        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.remove(self.ada, self.bob)

        self.assertEqual(actions(calls), [("pre_remove", pks), ("post_remove", pks)])

    def test_clear_sends_pre_clear_and_post_clear_with_no_pk_set(self):
        self.course.students.add(self.ada, self.bob)

        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.clear()

        self.assertEqual(actions(calls), [("pre_clear", None), ("post_clear", None)])

    def test_set_removes_then_adds_only_the_difference(self):
        self.course.students.add(self.ada, self.bob)

        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.set([self.bob, self.cy])

        self.assertEqual(
            actions(calls),
            [
                ("pre_remove", {self.ada.pk}),
                ("post_remove", {self.ada.pk}),
                ("pre_add", {self.cy.pk}),
                ("post_add", {self.cy.pk}),
            ],
        )

    def test_set_with_clear_true_clears_then_adds_every_object(self):
        self.course.students.add(self.ada, self.bob)

        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.set([self.bob, self.cy], clear=True)

        pks = {self.bob.pk, self.cy.pk}
        self.assertEqual(
            actions(calls),
            [
                ("pre_clear", None),
                ("post_clear", None),
                ("pre_add", pks),
                ("post_add", pks),
            ],
        )

    def test_writing_the_through_table_directly_sends_no_signal(self):
        with (
            captured(m2m_changed) as m2m_calls,
            captured(post_save, sender=Enrolment) as save_calls,
        ):
            Enrolment.objects.create(course=self.course, student=self.ada)
            Enrolment.objects.bulk_create(
                [Enrolment(course=self.course, student=self.bob)]
            )

        self.assertEqual((m2m_calls, save_calls), ([], []))
        self.assertEqual(self.course.students.count(), 2)

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_loaddata_sends_raw_true(self):
        with captured(m2m_changed, sender=Enrolment) as calls:
            call_command("loaddata", "courses.json", verbosity=0)

        self.assertEqual(actions(calls)[-1], ("post_add", {70, 71}))
        self.assertEqual({c["raw"] for c in calls}, {True})

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_an_ordinary_add_sends_raw_false(self):
        with captured(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada)

        self.assertEqual({c["raw"] for c in calls}, {False})

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 added raw to m2m_changed")
    def test_before_django_6_1_there_is_no_raw_argument(self):
        with captured(m2m_changed, sender=Enrolment) as calls:
            call_command("loaddata", "courses.json", verbosity=0)

        self.assertEqual(actions(calls)[-1], ("post_add", {70, 71}))
        self.assertTrue(all("raw" not in c for c in calls))


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
            captured(pre_delete, sender=Enrolment) as before,
            captured(post_delete, sender=Enrolment) as after,
        ):
            self.course.delete()

        self.assertEqual((before, after), ([], []))
        self.assertFalse(Enrolment.objects.exists())

    def test_a_delete_statement_takes_at_most_100_objects(self):
        Lesson.objects.bulk_create(
            Lesson(course=self.course, title=f"Part {i}") for i in range(248)
        )

        with (
            captured(post_delete, sender=Lesson) as calls,
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
        with captured(pre_delete, sender=Lesson) as calls:
            self.course.delete()

        self.assertEqual(len(calls), 2)
        self.assertTrue(all(c["origin"] is self.course for c in calls))

    def test_queryset_delete_passes_the_queryset_as_origin(self):
        courses = Course.objects.filter(pk=self.course.pk)
        with captured(pre_delete, sender=Lesson) as calls:
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


@skipUnless(django.VERSION >= (6, 1), "on_delete=DB_CASCADE is new in Django 6.1")
class DatabaseCascadeTests(TransactionTestCase):
    """A cascade the database runs itself sends no signals for the rows it removes."""

    def test_db_cascade_sends_delete_signals_for_the_deleted_object_only(self):
        # --8<-- [start:db_cascade]
        with isolate_apps("courses"):

            class Shelf(models.Model):
                def __str__(self):
                    return f"shelf {self.pk}"

            class Volume(models.Model):
                shelf = models.ForeignKey(Shelf, on_delete=models.DB_CASCADE)

                def __str__(self):
                    return f"volume {self.pk}"

            with connection.schema_editor() as editor:
                editor.create_model(Shelf)
                editor.create_model(Volume)
            try:
                shelf = Shelf.objects.create()
                Volume.objects.create(shelf=shelf)
                senders = []

                def record(sender, **kwargs):
                    senders.append((kwargs["signal"], sender))

                for signal in (pre_delete, post_delete):
                    signal.connect(record)
                try:
                    shelf.delete()
                finally:
                    for signal in (pre_delete, post_delete):
                        signal.disconnect(record)

                # The database deleted the volume: no Python code saw it go.
                self.assertFalse(Volume.objects.exists())
                self.assertEqual(senders, [(pre_delete, Shelf), (post_delete, Shelf)])
            finally:
                with connection.schema_editor() as editor:
                    editor.delete_model(Volume)
                    editor.delete_model(Shelf)
        # --8<-- [end:db_cascade]
