from django.db.models.signals import m2m_changed

from courses.models import Course, Student

compilers = Course.objects.create(title="Compilers")
ada = Student.objects.create(name="Ada")
bob = Student.objects.create(name="Bob")
events = []


def record(sender, instance, action, reverse, model, pk_set, **kwargs):
    names = None
    if pk_set is not None:
        names = sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set))
    events.append((action, f"{instance}, reverse={reverse}, {model.__name__} {names}"))


def summary():
    """One line per call: the actions sent, then what the last one carried."""
    actions = ", ".join(action for action, _ in events)
    details = events[-1][1]
    events.clear()
    return f"{actions}: {details}"


m2m_changed.connect(record, sender=Course.students.through)
try:
    compilers.students.add(ada, bob)
    print(summary())
    #> pre_add, post_add: Compilers, reverse=False, Student ['Ada', 'Bob']

    compilers.students.add(ada)  # Ada is enrolled already
    print(summary())
    #> pre_add, post_add: Compilers, reverse=False, Student []

    ada.courses.remove(compilers)  # from the other side
    print(summary())
    #> pre_remove, post_remove: Ada, reverse=True, Course ['Compilers']

    compilers.refresh_from_db()
    print(compilers.student_count)
    #> 1

    compilers.students.clear()
    print(summary())
    #> pre_clear, post_clear: Compilers, reverse=False, Student None
finally:
    m2m_changed.disconnect(record, sender=Course.students.through)

compilers.refresh_from_db()
print(compilers.student_count)
#> 0
