import threading

from django.db import connection, transaction
from django.db.models.signals import post_save

from signal_basics.models import Note

caller = threading.current_thread()


def report(sender, instance, **kwargs):
    print("1. the receiver runs for:", instance)
    #> 1. the receiver runs for: hello
    print("   in the caller's thread:", threading.current_thread() is caller)
    #>    in the caller's thread: True
    print("   inside the caller's transaction:", connection.in_atomic_block)
    #>    inside the caller's transaction: True


def refuse(sender, **kwargs):
    raise ValueError("the receiver refused")


post_save.connect(report, sender=Note)
with transaction.atomic():
    Note.objects.create(text="hello")
    print("2. save() has returned")
    #> 2. save() has returned
post_save.disconnect(report, sender=Note)

post_save.connect(refuse, sender=Note)
try:
    with transaction.atomic():
        Note.objects.create(text="doomed")
except ValueError as error:
    print("save() raised:", error)
    #> save() raised: the receiver refused
finally:
    post_save.disconnect(refuse, sender=Note)
print("doomed notes in the database:", Note.objects.filter(text="doomed").count())
#> doomed notes in the database: 0
