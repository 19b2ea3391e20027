"""What the tests share: recorded(), and the senders of the audited models' sends."""

from contextlib import contextmanager

from ..models import CreditNote, Document, Draft, Invoice, Memo, UrgentDraft

AUDITED = {Document, Draft, UrgentDraft, Invoice, CreditNote, Memo}


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


def audited(calls):
    """The sends for the audited models: not Django's own, not the audit's entries.

    Recorded without a sender, a save also records the AuditEntry it writes.
    """
    return [call for call in calls if call["sender"] in AUDITED]


def senders(calls):
    return [call["sender"] for call in audited(calls)]
