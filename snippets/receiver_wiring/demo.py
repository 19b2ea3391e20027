from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from receiver_wiring.models import Book, Magazine
from receiver_wiring.signals import log_magazine_deleted

heard = []


def remember(sender, instance, **kwargs):
    heard.append(instance.title)


post_save.connect(remember, sender=Book)
post_save.connect(remember, sender=Book)  # the same function: ignored
Book.objects.create(title="Dune")
print(heard)
#> ['Dune']

print(post_save.disconnect(remember, sender=Book))
#> True
print(post_save.disconnect(remember, sender=Book))  # nothing left to remove
#> False

# apps.py connected this one with a dispatch_uid: the function alone
# does not find it.
print(post_delete.disconnect(log_magazine_deleted, sender=Magazine))
#> False

print(post_save.has_listeners(Book))
#> True
shelf_checked = Signal()
print(shelf_checked.has_listeners())
#> False
