"""The receivers of this app, each written to avoid one pitfall.

broken.py holds the versions that fall into it; only the tests connect those.
"""

import logging
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import (
    Attachment,
    AuditEntry,
    Comment,
    Document,
    Invoice,
    Notification,
    Task,
)

logger = logging.getLogger(__name__)


# --8<-- [start:audit]
@receiver(post_save, sender=Document, dispatch_uid="pitfalls.audit_document_save")
def audit_document_save(sender, instance, created, raw, **kwargs):
    """Write one AuditEntry for each save() of a document."""
    if raw:  # loaddata: the fixture brings its own history
        return
    AuditEntry.objects.create(
        document=instance, action="created" if created else "updated"
    )


# --8<-- [end:audit]


# --8<-- [start:email_invoice]
@receiver(post_save, sender=Invoice, dispatch_uid="pitfalls.email_new_invoice")
def email_new_invoice(sender, instance, created, raw, using, **kwargs):
    """Email a new invoice, but only once it is committed."""
    if not created or raw:
        return
    transaction.on_commit(partial(_email_invoice, instance), using=using)


def _email_invoice(invoice):
    send_mail(f"Invoice {invoice.number}", "", None, [invoice.customer_email])
    logger.info("Emailed invoice %s", invoice.number)


# --8<-- [end:email_invoice]


# --8<-- [start:number_invoice]
@receiver(post_save, sender=Invoice, dispatch_uid="pitfalls.number_new_invoice")
def number_new_invoice(sender, instance, created, raw, **kwargs):
    """Give a new invoice its number, which is made from its primary key."""
    if not created or raw:
        return
    instance.number = f"INV-{instance.pk:05d}"
    # update() writes the column without calling save(): no second post_save.
    sender.objects.filter(pk=instance.pk).update(number=instance.number)


# --8<-- [end:number_invoice]


# --8<-- [start:copy_post_title]
@receiver(pre_save, sender=Comment, dispatch_uid="pitfalls.copy_post_title")
def copy_post_title(sender, instance, raw, **kwargs):
    """Keep a copy of the post's title on each comment."""
    if raw:
        # loaddata may save a comment before its post exists; the fixture
        # holds the stored copy anyway.
        return
    instance.post_title = instance.post.title


# --8<-- [end:copy_post_title]


# --8<-- [start:notify_assignees]
@receiver(
    m2m_changed,
    sender=Task.assignees.through,
    dispatch_uid="pitfalls.notify_new_assignees",
)
def notify_new_assignees(sender, instance, action, reverse, pk_set, **kwargs):
    """Notify each user put on a task, whichever side the change came from."""
    # raw only exists from Django 6.1: loaddata restores existing assignments.
    if action != "post_add" or not pk_set or kwargs.get("raw", False):
        return
    if reverse:  # user.assigned_tasks.add(task): instance is the user
        pairs = [(task_pk, instance.pk) for task_pk in pk_set]
    else:  # task.assignees.add(user), and forms: instance is the task
        pairs = [(instance.pk, user_pk) for user_pk in pk_set]
    Notification.objects.bulk_create(
        Notification(task_id=task_pk, user_id=user_pk) for task_pk, user_pk in pairs
    )


# --8<-- [end:notify_assignees]


# --8<-- [start:delete_file]
@receiver(post_delete, sender=Attachment, dispatch_uid="pitfalls.delete_attachment")
def delete_attachment_file(sender, instance, using, **kwargs):
    """Delete the file once the row's deletion is committed."""
    if instance.file:
        transaction.on_commit(partial(_delete_file, instance.file), using=using)


def _delete_file(file):
    name = file.name
    file.delete(save=False)  # save=True would INSERT the deleted row again
    logger.info("Deleted attachment file %s", name)


# --8<-- [end:delete_file]
