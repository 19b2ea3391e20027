from django.contrib.auth import get_user_model

from post_likes.models import Notification, Post
from post_likes.services import like_post

User = get_user_model()
author = User.objects.create_user("grace")
reader = User.objects.create_user("alan")
post = Post.objects.create(author=author, title="Signals in practice")

print(like_post(reader, post), like_post(reader, post))
#> True False

post.refresh_from_db()
print(post.like_count)
#> 1

for notification in Notification.objects.filter(recipient=author):
    print(notification)
    #> alan liked your post Signals in practice
