"""What several test modules use: a broken receiver for one block, a rollback."""

from contextlib import contextmanager


# --8<-- [start:connected]
@contextmanager
def connected(signal, receiver, sender):
    """Connect one of the broken receivers for the block only."""
    signal.connect(receiver, sender=sender)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)


# --8<-- [end:connected]


class Rollback(Exception):
    """Raised to roll a transaction back on purpose."""
