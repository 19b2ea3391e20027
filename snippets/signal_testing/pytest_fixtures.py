"""pytest fixtures for signals. Put them in your project's conftest.py."""

from unittest import mock

import pytest
from django.db.models.signals import post_save

from .models import Ticket
from .signals import acknowledge_new_ticket
from .testing import muted


# --8<-- [start:signal_spy]
@pytest.fixture
def signal_spy():
    """Connect a Mock receiver to a signal; disconnect it when the test ends.

    Usage: `spy = signal_spy(ticket_closed)`, then the Mock's assert_* methods.
    """
    connected = []

    def spy(signal, sender=None):
        handler = mock.Mock()
        signal.connect(handler, sender=sender, weak=False)
        connected.append((signal, handler, sender))
        return handler

    yield spy
    for signal, handler, sender in connected:
        signal.disconnect(handler, sender=sender)


# --8<-- [end:signal_spy]


# --8<-- [start:no_acknowledgements]
@pytest.fixture
def no_acknowledgements():
    """Mute the new-ticket email, and only it, for one test."""
    with muted(
        post_save,
        acknowledge_new_ticket,
        sender=Ticket,
        dispatch_uid="signal_testing.acknowledge_new_ticket",
    ):
        yield


# --8<-- [end:no_acknowledgements]
