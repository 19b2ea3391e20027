from django.contrib.auth import authenticate, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

heard = []


def note(sender, signal, **kwargs):
    heard.append((sender, kwargs.get("credentials") or kwargs.get("user")))


user_login_failed.connect(note)
user_logged_out.connect(note)
try:
    # Wrong credentials: every backend says no.
    authenticate(username="ada", password="hunter2")

    # Logging out when nobody is logged in.
    request = RequestFactory().post("/accounts/logout/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    logout(request)
finally:
    user_login_failed.disconnect(note)
    user_logged_out.disconnect(note)

for sender, payload in heard:
    print(repr(sender), payload)
    #> 'django.contrib.auth' {'username': 'ada', 'password': '********************'}
    #> <class 'NoneType'> None
