from contextlib import contextmanager

from django.db import transaction


# --8<-- [start:receivers_for]
def receivers_for(signal, sender, **arguments):
    """Name the receivers that `signal` reaches when `sender` sends it.

    A dry run: the signal is really sent, with these arguments, inside a
    transaction that is then rolled back, so what the receivers write to
    the database and the on_commit() callbacks they register are thrown
    away. Anything a receiver does at once outside the database (an email
    sent, a file written, a call to an API) is not undone.
    """
    if not signal.has_listeners(sender):
        return []  # nobody would hear it: nothing to send
    with transaction.atomic(using=arguments.get("using")):
        # send_robust(): a receiver that raises is still named, and the
        # receivers after it still run.
        responses = signal.send_robust(sender=sender, **arguments)
        transaction.set_rollback(True)
    return [name_of(receiver) for receiver, _response in responses]


def name_of(receiver):
    module = getattr(receiver, "__module__", None)
    qualname = getattr(receiver, "__qualname__", None)
    return f"{module}.{qualname}" if module and qualname else repr(receiver)


# --8<-- [end:receivers_for]


# --8<-- [start:recording]
@contextmanager
def recording(signal, sender=None):
    """Record each send of `signal` while the block runs.

    Yields a list that gets one dict per send: the sender and the arguments
    the receivers were given. With a sender, only its sends are recorded.
    """
    sends = []

    def record(sender, **arguments):
        sends.append({"sender": sender, **arguments})

    signal.connect(record, sender=sender)
    try:
        yield sends
    finally:
        signal.disconnect(record, sender=sender)


# --8<-- [end:recording]
