"""Receivers that fall into the pitfalls. Do not copy these.

Nothing connects them: each test connects one, shows what goes wrong, and
disconnects it. The fixed versions are in signals.py.
"""

from django.core.mail import send_mail
from django.db import transaction


# --8<-- [start:email_now]
def email_new_invoice_now(sender, instance, created, **kwargs):
    """Sends the email inside the transaction: a rollback cannot unsend it."""
    if created:
        send_mail(f"Invoice {instance.number}", "", None, [instance.customer_email])


# --8<-- [end:email_now]


# --8<-- [start:number_with_save]
def number_invoice_with_save(sender, instance, **kwargs):
    """Calls save() from post_save: which sends post_save, which calls save()..."""
    instance.number = f"INV-{instance.pk:05d}"
    instance.save()


# --8<-- [end:number_with_save]


# --8<-- [start:copy_ignoring_raw]
def copy_post_title_ignoring_raw(sender, instance, **kwargs):
    """Reads instance.post during loaddata, when the post may not exist yet."""
    instance.post_title = instance.post.title


# --8<-- [end:copy_ignoring_raw]


# --8<-- [start:notify_on_save]
def notify_assignees_on_save(sender, instance, created, **kwargs):
    """Reads the assignees in post_save: a form has not saved them yet."""
    if created:
        for user in instance.assignees.all():
            instance.notification_set.create(user=user)


# --8<-- [end:notify_on_save]


# --8<-- [start:delete_and_save]
def delete_attachment_file_and_save(sender, instance, **kwargs):
    """FieldFile.delete() saves the instance by default: the row comes back."""
    if instance.file:
        instance.file.delete()


# --8<-- [end:delete_and_save]


# --8<-- [start:delete_later_and_save]
def delete_attachment_file_later_and_save(sender, instance, **kwargs):
    """Waits for the commit, but still saves: by then the instance has no pk."""
    if instance.file:
        transaction.on_commit(instance.file.delete)


# --8<-- [end:delete_later_and_save]


# --8<-- [start:weak_counter]
def start_counting(signal):
    """Count the sends of `signal` from now on. Stops counting by itself."""
    sends = []

    def count(sender, **kwargs):
        sends.append(sender)

    # A weak reference, and once this function returns nothing else
    # refers to `count`.
    signal.connect(count)
    return sends


# --8<-- [end:weak_counter]
