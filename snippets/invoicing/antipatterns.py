"""Receivers that show what not to do.

Nothing connects them for good: the demos and tests of the best-practices
page connect one at a time, and disconnect it afterwards.
"""

from .services import email_invoice


# --8<-- [start:fill_total]
def fill_total(sender, instance, **kwargs):
    """A pre_save receiver with a business rule in it. bulk_create() and
    QuerySet.update() send no pre_save, so they skip the rule."""
    instance.total = instance.compute_total()


# --8<-- [end:fill_total]


# --8<-- [start:email_invoice_now]
def email_invoice_now(sender, instance, created, **kwargs):
    """Sends mail inside the caller's transaction: a rollback removes the
    invoice, but the email has already left."""
    if created:
        email_invoice(instance.pk)


# --8<-- [end:email_invoice_now]


# --8<-- [start:crash]
def crash(sender, **kwargs):
    """Stands for any receiver with a bug in it."""
    raise RuntimeError("bug in a receiver")


# --8<-- [end:crash]
