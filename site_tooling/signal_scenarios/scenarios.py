"""Common operations, each run inside trace_signals(), ready to be drawn.

Every scenario sets up what it needs, runs one operation in a trace, and
returns the trace. record() then keeps the sends that belong to the
operation and turns them into plain data: the recording that a diagram is
drawn from and that the test suite compares with the committed copy.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import django
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.test import AsyncClient, Client, RequestFactory, override_settings
from django.test.client import AsyncClientHandler, ClientHandler
from django.urls import reverse
from django.utils.crypto import get_random_string
from signal_tracer.tracer import Trace, describe, trace_signals

from .models import Author, Book, Tag

User = auth.get_user_model()
BOOK_TAGS = Book.tags.through  # the table Django made for Book.tags

# --8<-- [start:record]
# The values worth drawing: short, and the same on every run. Any other
# argument is kept by name only (a session key, an environ, an instance).
KEPT_VALUES = {
    "action",
    "created",
    "credentials",  # the password in it is masked by Django
    "model",
    "origin",
    "pk_set",
    "raw",
    "reverse",
    "update_fields",
    "user",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str  # what the diagram shows, in a few words
    caller: str  # the first column: where the operation starts
    senders: frozenset[str]  # the sends kept; other apps' receivers send more
    run: Callable[[], Trace]


SCENARIOS: dict[str, Scenario] = {}


def scenario(title, caller, senders):
    """Register the decorated function as a scenario named after it."""

    def register(run):
        senders_kept = frozenset(describe(sender) for sender in senders)
        SCENARIOS[run.__name__] = Scenario(
            run.__name__, title, caller, senders_kept, run
        )
        return run

    return register


def record(name):
    """Run a scenario and return its recording: plain data, ready for JSON.

    The scenario runs in a transaction that is rolled back, so it leaves the
    database as it found it and can run again.
    """
    chosen = SCENARIOS[name]
    with transaction.atomic():
        trace = chosen.run()
        transaction.set_rollback(True)
    sends = [send for send in trace if send.sender in chosen.senders]
    return {
        "scenario": chosen.name,
        "title": chosen.title,
        "django": "{}.{}".format(*django.VERSION[:2]),
        "caller": chosen.caller,
        "sends": [
            {
                "signal": send.signal,
                "sender": send.sender,
                "kwargs": {
                    key: value if key in KEPT_VALUES else None
                    for key, value in send.kwargs.items()
                },
            }
            for send in sends
        ],
    }


# --8<-- [end:record]


def _library():
    """An author with two books, and two tags, none of them tagged yet.

    The primary keys are fixed so that pk_set reads the same on every run.
    """
    ada = Author.objects.create(pk=1, name="Ada Lovelace")
    notes = Book.objects.create(pk=1, title="Notes", author=ada)
    sketch = Book.objects.create(pk=2, title="Sketch", author=ada)
    math = Tag.objects.create(pk=1, name="math")
    poetry = Tag.objects.create(pk=2, name="poetry")
    return notes, sketch, math, poetry


# --8<-- [start:create]
@scenario("Create a row", caller="your code", senders=[Author])
def create():
    with trace_signals(record_first=True) as trace:
        Author.objects.create(name="Ada Lovelace")
    return trace


# --8<-- [end:create]


# --8<-- [start:update_fields]
@scenario("Save only some fields", caller="your code", senders=[Author])
def update_fields():
    author = Author.objects.create(name="Ada")
    author.name = "Ada Lovelace"
    with trace_signals(record_first=True) as trace:
        author.save(update_fields=["name"])
    return trace


# --8<-- [end:update_fields]


# --8<-- [start:delete_cascade]
@scenario(
    "Delete with a cascade", caller="your code", senders=[Author, Book, BOOK_TAGS]
)
def delete_cascade():
    notes, _, math, _ = _library()
    notes.tags.add(math)
    with trace_signals(record_first=True) as trace:
        notes.author.delete()  # takes both books, and the row tagging Notes
    return trace


# --8<-- [end:delete_cascade]


# --8<-- [start:m2m_add]
@scenario("Add to a many-to-many", caller="your code", senders=[BOOK_TAGS])
def m2m_add():
    notes, sketch, math, poetry = _library()
    sketch.tags.add(math)
    with trace_signals(record_first=True) as trace:
        sketch.tags.add(math, poetry)  # math is there already
        math.books.add(notes)  # from the other side
    return trace


# --8<-- [end:m2m_add]


# --8<-- [start:m2m_remove]
@scenario("Remove from a many-to-many", caller="your code", senders=[BOOK_TAGS])
def m2m_remove():
    notes, _, math, poetry = _library()
    notes.tags.add(math, poetry)
    with trace_signals(record_first=True) as trace:
        notes.tags.remove(poetry)
        math.books.remove(notes)  # from the other side
    return trace


# --8<-- [end:m2m_remove]


# --8<-- [start:m2m_clear]
@scenario("Clear a many-to-many", caller="your code", senders=[BOOK_TAGS])
def m2m_clear():
    notes, sketch, math, poetry = _library()
    notes.tags.add(math, poetry)
    sketch.tags.add(math)
    with trace_signals(record_first=True) as trace:
        notes.tags.clear()
        math.books.clear()  # from the other side: only Sketch is left
    return trace


# --8<-- [end:m2m_clear]


def _fast_hashing():
    # Hashing a password the production way takes most of a second; these
    # scenarios are about signals, so their throwaway users use a fast hasher.
    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )


def _login_request():
    """A request as a login view gets it: with a session and an anonymous user."""
    request = RequestFactory().post("/accounts/login/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()  # what AuthenticationMiddleware sets
    return request


# --8<-- [start:login]
@scenario("Log in", caller="your view", senders=[User, Session])
def login():
    password = get_random_string(20)
    with _fast_hashing():
        User.objects.create_user("ada", password=password)
        request = _login_request()
        with trace_signals(record_first=True) as trace:
            user = auth.authenticate(request, username="ada", password=password)
            auth.login(request, user)
    return trace


# --8<-- [end:login]


# --8<-- [start:logout]
@scenario("Log out", caller="your view", senders=[User, Session])
def logout():
    with _fast_hashing():
        user = User.objects.create_user("ada", password=get_random_string(20))
    request = _login_request()
    auth.login(request, user)
    with trace_signals(record_first=True) as trace:
        auth.logout(request)
    return trace


# --8<-- [end:logout]


# --8<-- [start:login_failed]
@scenario("A failed login", caller="your view", senders=[User, "django.contrib.auth"])
def login_failed():
    with _fast_hashing():
        User.objects.create_user("ada", password=get_random_string(20))
        request = _login_request()
        with trace_signals(record_first=True) as trace:
            auth.authenticate(request, username="ada", password="a wrong guess")
    return trace


# --8<-- [end:login_failed]


# --8<-- [start:request_wsgi]
@scenario(
    "A request under WSGI",
    caller="test Client",
    senders=[ClientHandler, None, Tag],
)
def request_wsgi():
    client = Client()
    with trace_signals(record_first=True) as trace:
        client.post(reverse("signal_scenarios:add-tag"), {"name": "math"})
    return trace


# --8<-- [end:request_wsgi]


# --8<-- [start:request_asgi]
@scenario(
    "A request under ASGI",
    caller="AsyncClient",
    senders=[AsyncClientHandler, None, Tag],
)
def request_asgi():
    client = AsyncClient()
    # async_to_sync runs the request in this thread's event loop, and the
    # view on this thread, so it uses this thread's database connection.
    post = async_to_sync(client.post)
    with trace_signals(record_first=True) as trace:
        post(reverse("signal_scenarios:add-tag"), {"name": "math"})
    return trace


# --8<-- [end:request_asgi]


# --8<-- [start:loaddata]
@scenario("loaddata", caller="loaddata", senders=[Author, Book, Tag, BOOK_TAGS])
def loaddata():
    with trace_signals(record_first=True) as trace:
        call_command("loaddata", "signal_scenarios_library.json", verbosity=0)
    return trace


# --8<-- [end:loaddata]
