"""What every test module here shares: connecting throwaway receivers safely."""

import asyncio
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.core.cache import cache
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import AsyncRequestFactory

from ..signals import FRONT_PAGE_KEY

LOGGER = "async_receivers.signals"


@contextmanager
def connected(signal, *receivers, **kwargs):
    """Connect throwaway receivers for one test, and always disconnect them."""
    for receiver in receivers:
        signal.connect(receiver, **kwargs)
    try:
        yield
    finally:
        for receiver in receivers:
            signal.disconnect(receiver, **kwargs)


@contextmanager
def spying_on(*signals):
    """Record, in order, which signal went out through send() or asend()."""
    calls = []
    with ExitStack() as stack:
        for signal in signals:
            for method in ("send", "asend"):
                original = getattr(signal, method)

                def spy(*args, _call=(signal, method), _original=original, **kw):
                    calls.append(_call)
                    return _original(*args, **kw)

                stack.enter_context(mock.patch.object(signal, method, spy))
        yield calls


def clear_front_page(test):
    cache.delete(FRONT_PAGE_KEY)
    test.addCleanup(cache.delete, FRONT_PAGE_KEY)


async def asgi_request(path, messages=({"type": "http.request", "body": b""},)):
    """Call the real ASGIHandler with a GET, as uvicorn or daphne would.

    Returns what the handler sent back. After the given messages the client
    stays connected until the handler is done.
    """
    scope = AsyncRequestFactory().get(path).scope
    incoming = list(messages)

    async def receive():
        if incoming:
            return incoming.pop(0)
        await asyncio.Event().wait()  # a client that stays until the end

    sent = []

    async def send(message):
        sent.append(message)

    await ASGIHandler()(scope, receive, send)
    return sent


def keep_requests_off_the_database(test):
    """Like Django's test client: requests leave the test database alone."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        test.addCleanup(signal.connect, close_old_connections)
