import gc

from django.db.models.signals import post_save
from django.test import override_settings

from receiver_wiring.models import Book

heard = []


def connect_a_local_function(weak):
    def remember(sender, instance, **kwargs):
        heard.append(instance.title)

    post_save.connect(remember, sender=Book, weak=weak, dispatch_uid="demo.remember")


for debug, weak in [(False, True), (True, True), (False, False)]:
    heard.clear()
    with override_settings(DEBUG=debug):
        connect_a_local_function(weak=weak)
    gc.collect()
    Book.objects.create(title="Dune")
    print(f"DEBUG={debug}, weak={weak}: heard {heard}")
    #> DEBUG=False, weak=True: heard []
    #> DEBUG=True, weak=True: heard ['Dune']
    #> DEBUG=False, weak=False: heard ['Dune']
    post_save.disconnect(sender=Book, dispatch_uid="demo.remember")
