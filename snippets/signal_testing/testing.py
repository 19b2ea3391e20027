"""Helpers for tests of code that sends signals. Import them in your tests."""

from contextlib import contextmanager


# --8<-- [start:recorded]
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


# --8<-- [end:recorded]


# --8<-- [start:muted]
@contextmanager
def muted(signal, receiver, *, sender=None, dispatch_uid=None):
    """Disconnect one receiver for the block, and connect it again after.

    Pass the `sender` and `dispatch_uid` it was connected with. Without them
    disconnect() finds nothing; rather than mute nothing, this raises.
    """
    if not signal.disconnect(receiver, sender=sender, dispatch_uid=dispatch_uid):
        raise LookupError(
            f"{receiver.__qualname__} is not connected with "
            f"sender={sender!r}, dispatch_uid={dispatch_uid!r}"
        )
    try:
        yield
    finally:
        signal.connect(receiver, sender=sender, dispatch_uid=dispatch_uid)


# --8<-- [end:muted]
