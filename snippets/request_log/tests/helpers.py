"""What several test modules use: recording sends, and a view that fails late."""

from contextlib import contextmanager

from django.http import StreamingHttpResponse

LOGGER = "request_log.signals"


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


def arguments(call):
    """The keyword arguments a receiver gets besides `signal` and `sender`."""
    return sorted(set(call) - {"signal", "sender"})


def fail_while_streaming(request):
    def lines():
        yield "first line\n"
        raise ValueError("the stream failed")

    return StreamingHttpResponse(lines(), content_type="text/plain")
