from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import Post
from .titles import title_case


@receiver(pre_save, sender=Post, dispatch_uid="blog.title_case_title")
def title_case_title(sender, instance, raw, update_fields, **kwargs):
    """Store every post title in title case, whichever code saves the post."""
    if raw:
        # loaddata restores rows exactly as they were dumped.
        return
    if update_fields is not None and "title" not in update_fields:
        # This save does not write the title. Reading it anyway would cost a
        # query when the field was deferred, for a value that is not saved.
        return
    instance.title = title_case(instance.title)
