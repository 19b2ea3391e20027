from django.db import transaction

from .models import Like, Post
from .signals import post_liked


def like_post(user, post):
    """Record that user likes post; return False if they already did.

    Liking is idempotent: a second like stores nothing and sends nothing.
    The signal is sent inside the transaction, so if a receiver fails, the
    like and everything the other receivers wrote are rolled back together.
    """
    with transaction.atomic():
        _, created = Like.objects.get_or_create(user=user, post=post)
        if created:
            post_liked.send(sender=Post, post=post, user=user)
    return created
