"""A helper for tests that need a receiver connected for a while."""

from contextlib import contextmanager


# --8<-- [start:connected]
@contextmanager
def connected(signal, receiver, *, sender=None, dispatch_uid=None):
    """Connect `receiver` for the block, and disconnect it after, even on error.

    It uses the public connect() and disconnect(), which also clear the
    signal's per-sender cache, so it works the same on every Django version.
    """
    signal.connect(receiver, sender=sender, weak=False, dispatch_uid=dispatch_uid)
    try:
        yield receiver
    finally:
        signal.disconnect(receiver, sender=sender, dispatch_uid=dispatch_uid)


# --8<-- [end:connected]
