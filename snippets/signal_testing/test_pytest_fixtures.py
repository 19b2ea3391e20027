"""pytest-style tests of the signal_testing app, using pytest_fixtures.py."""

import unittest

try:
    import pytest
except ImportError:  # `manage.py test` in a project without pytest
    raise unittest.SkipTest("these tests need pytest and pytest-django") from None

from django.db.models.signals import post_save

from . import pytest_fixtures
from .models import Ticket
from .services import close_ticket
from .signals import ticket_closed

pytestmark = pytest.mark.django_db

# pytest looks fixtures up by name in the test module and in conftest.py
# files. In your project, put the fixtures in conftest.py and skip this.
signal_spy = pytest_fixtures.signal_spy
no_acknowledgements = pytest_fixtures.no_acknowledgements


@pytest.fixture
def ticket():
    return Ticket.objects.create(title="Jam", reporter_email="ada@example.com")


def test_closing_sends_ticket_closed(signal_spy, ticket):
    spy = signal_spy(ticket_closed)

    close_ticket(ticket, reason="Cleared")

    spy.assert_called_once_with(
        signal=ticket_closed, sender=Ticket, ticket=ticket, reason="Cleared"
    )


def test_closing_twice_sends_once(signal_spy, ticket):
    spy = signal_spy(ticket_closed)

    close_ticket(ticket, reason="Cleared")
    close_ticket(ticket, reason="Again")

    assert spy.call_count == 1


@pytest.fixture
def receivers_restored():
    """Requested before signal_spy, so it is torn down after it: checks that."""
    before = list(ticket_closed.receivers)
    yield
    assert ticket_closed.receivers == before


def test_the_spy_is_disconnected_after_the_test(receivers_restored, signal_spy):
    receivers_before = len(ticket_closed.receivers)

    signal_spy(ticket_closed)

    assert len(ticket_closed.receivers) == receivers_before + 1


def test_emails_leave_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        Ticket.objects.create(title="Jam", reporter_email="ada@example.com")

    assert [m.subject for m in mailoutbox] == ["We received your ticket: Jam"]


def test_muted_acknowledgement(
    no_acknowledgements, signal_spy, django_capture_on_commit_callbacks, mailoutbox
):
    spy = signal_spy(post_save, sender=Ticket)

    with django_capture_on_commit_callbacks(execute=True):
        Ticket.objects.create(title="Jam", reporter_email="ada@example.com")

    assert spy.call_count == 1  # post_save was sent ...
    assert mailoutbox == []  # ... but the muted receiver did not email
