from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Article, Status, log_publication


# --8<-- [start:publish]
def publish(article):
    """Publish a saved draft. Publishing it again changes nothing."""
    if article.status == Status.PUBLISHED:
        return
    article.status = Status.PUBLISHED
    article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at"])
    transaction.on_commit(partial(log_publication, article))


# --8<-- [end:publish]


# --8<-- [start:publish_drafts]
def publish_drafts(articles):
    """Publish every draft in a queryset of articles, with one UPDATE."""
    with transaction.atomic():
        drafts = list(
            articles.filter(status=Status.DRAFT).select_for_update().only("pk")
        )
        Article.objects.filter(pk__in=[draft.pk for draft in drafts]).update(
            status=Status.PUBLISHED, published_at=timezone.now()
        )
    for draft in drafts:
        transaction.on_commit(partial(log_publication, draft))
    return len(drafts)


# --8<-- [end:publish_drafts]
