from django.db.models.signals import post_delete, pre_delete

from courses.models import Course, Lesson

compilers = Course.objects.create(title="Compilers")
Lesson.objects.create(course=compilers, title="Parsing")
Lesson.objects.create(course=compilers, title="Code generation")
events = []


def record(signal, sender, instance, **kwargs):
    name = "pre_delete" if signal is pre_delete else "post_delete"
    events.append(f"{name}: {sender.__name__} {instance}")


for signal in (pre_delete, post_delete):
    for model in (Course, Lesson):
        signal.connect(record, sender=model)
try:
    compilers.delete()
finally:
    for signal in (pre_delete, post_delete):
        for model in (Course, Lesson):
            signal.disconnect(record, sender=model)

for event in events:
    print(event)
    #> pre_delete: Lesson Parsing
    #> pre_delete: Lesson Code generation
    #> pre_delete: Course Compilers
    #> post_delete: Lesson Code generation
    #> post_delete: Lesson Parsing
    #> post_delete: Course Compilers

print(compilers.pk)  # set to None only after everything above
#> None
