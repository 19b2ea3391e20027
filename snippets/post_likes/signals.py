import logging

from django.db.models import F
from django.dispatch import Signal, receiver

from .models import Notification, Post

logger = logging.getLogger(__name__)

# Sent by services.like_post() once a new like is stored, inside the same
# transaction. sender: the Post class. Keyword arguments: post, user.
post_liked = Signal()


@receiver(post_liked, sender=Post, dispatch_uid="post_likes.count_like")
def count_like(sender, post, **kwargs):
    """Keep Post.like_count in step with the likes, without a lost update."""
    Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)


@receiver(post_liked, sender=Post, dispatch_uid="post_likes.notify_author")
def notify_author(sender, post, user, **kwargs):
    """Tell the author someone liked their post, unless it was the author."""
    if user.pk == post.author_id:
        return
    Notification.objects.create(recipient_id=post.author_id, actor=user, post=post)
    logger.info("User %s liked post %s", user.pk, post.pk)
