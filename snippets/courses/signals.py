import logging

from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.dispatch import receiver

from .models import Course, Student

logger = logging.getLogger(__name__)


@receiver(
    m2m_changed,
    sender=Course.students.through,
    dispatch_uid="courses.update_student_count",
)
def update_student_count(sender, instance, action, reverse, pk_set, **kwargs):
    """Keep Course.student_count right, from whichever side enrolment changed."""
    if action == "pre_clear" and reverse:
        # post_clear has no pk_set: note the student's courses while they exist.
        instance._courses_before_clear = list(
            instance.courses.values_list("pk", flat=True)
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return  # add() of students already enrolled: nothing was inserted
    if not reverse:
        course_pks = [instance.pk]  # course.students.add(...): instance is a Course
    elif action == "post_clear":
        course_pks = instance.__dict__.pop("_courses_before_clear", [])
    else:
        course_pks = pk_set  # student.courses.add(...): pk_set holds course pks
    _refresh_student_counts(course_pks)


@receiver(pre_delete, sender=Student, dispatch_uid="courses.note_student_s_courses")
def note_courses_of_deleted_student(sender, instance, **kwargs):
    """Deleting a student deletes their enrolment rows, with no m2m_changed.

    Note the student's courses while the rows still exist; recount_courses()
    updates them once the rows are gone.
    """
    instance._courses_before_delete = list(
        instance.courses.values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Student, dispatch_uid="courses.recount_courses")
def recount_courses(sender, instance, **kwargs):
    _refresh_student_counts(instance.__dict__.pop("_courses_before_delete", []))


def _refresh_student_counts(course_pks):
    courses = Course.objects.filter(pk__in=course_pks).annotate(n=Count("students"))
    for course in courses:
        Course.objects.filter(pk=course.pk).update(student_count=course.n)
        logger.info("Course %s now has %s students", course.pk, course.n)
