from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import Article


@receiver(pre_save, sender=Article, dispatch_uid="article_titles.title_case_title")
def title_case_title(sender, instance, raw, **kwargs):
    """Store every title in title case, whichever code path saves the article."""
    if raw:
        # loaddata restores titles exactly as they were stored.
        return
    instance.title = instance.title.title()
