from django.contrib.auth.models import User, update_last_login
from django.contrib.sessions.backends.db import SessionStore
from django.db.models.signals import post_save

from signal_performance.models import Document, Folder
from signal_performance.testing import connected

folder = Folder.objects.create(name="Reports")
user = User.objects.create_user("ada")
heard = []


def note_sender(sender, **kwargs):
    heard.append(sender._meta.label)


def save_a_few_things():
    Document.objects.create(folder=folder, title="Q3")
    SessionStore().create()  # what a login does
    update_last_login(None, user)  # and so does this


with connected(post_save, note_sender):  # no sender
    save_a_few_things()
print(heard)
#> ['signal_performance.Document', 'sessions.Session', 'auth.User']

heard.clear()
with connected(post_save, note_sender, sender="signal_performance.Document"):
    save_a_few_things()
print(heard)
#> ['signal_performance.Document']
