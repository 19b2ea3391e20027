"""What several test modules use: reading recordings, and recording sends live."""

from contextlib import contextmanager

from ..scenarios import record


def sends(name):
    """(signal, sender) for each send the scenario's recording keeps."""
    return [(send["signal"], send["sender"]) for send in record(name)["sends"]]


def values(name, signal, key):
    """The value of one argument in each send of one signal."""
    return [
        send["kwargs"][key]
        for send in record(name)["sends"]
        if send["signal"] == signal
    ]


AUTHOR, BOOK, TAG = (
    "signal_scenarios.Author",
    "signal_scenarios.Book",
    "signal_scenarios.Tag",
)
THROUGH, USER, SESSION = "signal_scenarios.Book_tags", "auth.User", "sessions.Session"


@contextmanager
def recorded(signal, sender=None):
    """Collect the keyword arguments of every send of `signal` in the block.

    Each item is a dict of everything the receivers got, `signal` and
    `sender` included, so a test can compare it whole.
    """
    sent = []

    def record(**kwargs):
        sent.append(kwargs)

    # weak=False: nothing else holds this local function.
    signal.connect(record, sender=sender, weak=False)
    try:
        yield sent
    finally:
        signal.disconnect(record, sender=sender)
