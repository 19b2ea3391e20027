"""The arguments of m2m_changed for add(), remove(), clear() and set()."""

from unittest import skipIf, skipUnless

import django
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_save
from django.test import TestCase

from ..models import Course, Student
from .helpers import Enrolment, recorded


def actions(calls):
    return [(c["action"], c["pk_set"]) for c in calls]


class M2MChangedArgumentTests(TestCase):
    def setUp(self):
        self.course = Course.objects.create(title="Compilers")
        self.ada, self.bob, self.cy = (
            Student.objects.create(name=name) for name in ("Ada", "Bob", "Cy")
        )

    def test_add_sends_pre_add_and_post_add_with_the_added_pks(self):
        with recorded(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada, self.bob)

        pks = {self.ada.pk, self.bob.pk}
        self.assertEqual(actions(calls), [("pre_add", pks), ("post_add", pks)])

    def test_the_sender_is_the_through_model(self):
        with recorded(m2m_changed) as calls:
            self.course.students.add(self.ada)

        self.assertEqual({c["sender"] for c in calls}, {Enrolment})
        self.assertTrue(Enrolment._meta.auto_created)

    def test_forward_change_instance_is_the_course_and_model_the_student(self):
        with recorded(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada)

        call = calls[-1]
        self.assertIs(call["instance"], self.course)
        self.assertIs(call["model"], Student)
        self.assertIs(call["reverse"], False)
        self.assertEqual(call["using"], "default")

    def test_reverse_change_instance_is_the_student_and_model_the_course(self):
        with recorded(m2m_changed, sender=Enrolment) as calls:
            self.ada.courses.add(self.course)

        call = calls[-1]
        self.assertIs(call["instance"], self.ada)
        self.assertIs(call["model"], Course)
        self.assertIs(call["reverse"], True)
        self.assertEqual(call["pk_set"], {self.course.pk})

    def test_adding_an_existing_member_again_sends_an_empty_pk_set(self):
        self.course.students.add(self.ada)

        with recorded(m2m_changed, sender=Enrolment) as calls:
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
        with recorded(post_save) as calls:
            self.course.students.add(self.ada)

        senders = {c["sender"] for c in calls}
        self.assertFalse(senders & {Course, Student, Enrolment})

    def test_remove_sends_every_pk_given_even_ones_not_there(self):
        self.course.students.add(self.ada)
        pks = {self.ada.pk, self.bob.pk}

        with recorded(m2m_changed, sender=Enrolment) as calls:
            self.course.students.remove(self.ada, self.bob)

        self.assertEqual(actions(calls), [("pre_remove", pks), ("post_remove", pks)])

    def test_clear_sends_pre_clear_and_post_clear_with_no_pk_set(self):
        self.course.students.add(self.ada, self.bob)

        with recorded(m2m_changed, sender=Enrolment) as calls:
            self.course.students.clear()

        self.assertEqual(actions(calls), [("pre_clear", None), ("post_clear", None)])

    def test_set_removes_then_adds_only_the_difference(self):
        self.course.students.add(self.ada, self.bob)

        with recorded(m2m_changed, sender=Enrolment) as calls:
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

        with recorded(m2m_changed, sender=Enrolment) as calls:
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
            recorded(m2m_changed) as m2m_calls,
            recorded(post_save, sender=Enrolment) as save_calls,
        ):
            Enrolment.objects.create(course=self.course, student=self.ada)
            Enrolment.objects.bulk_create(
                [Enrolment(course=self.course, student=self.bob)]
            )

        self.assertEqual((m2m_calls, save_calls), ([], []))
        self.assertEqual(self.course.students.count(), 2)

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_loaddata_sends_raw_true(self):
        with recorded(m2m_changed, sender=Enrolment) as calls:
            call_command("loaddata", "courses.json", verbosity=0)

        self.assertEqual(actions(calls)[-1], ("post_add", {70, 71}))
        self.assertEqual({c["raw"] for c in calls}, {True})

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_an_ordinary_add_sends_raw_false(self):
        with recorded(m2m_changed, sender=Enrolment) as calls:
            self.course.students.add(self.ada)

        self.assertEqual({c["raw"] for c in calls}, {False})

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 added raw to m2m_changed")
    def test_before_django_6_1_there_is_no_raw_argument(self):
        with recorded(m2m_changed, sender=Enrolment) as calls:
            call_command("loaddata", "courses.json", verbosity=0)

        self.assertEqual(actions(calls)[-1], ("post_add", {70, 71}))
        self.assertTrue(all("raw" not in c for c in calls))
