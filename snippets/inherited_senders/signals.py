import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Audited, AuditEntry

logger = logging.getLogger(__name__)


def record_save(sender, instance, created, raw, using, **kwargs):
    if raw:  # loaddata: the fixture is not a change anyone made
        return
    record(sender, instance, "created" if created else "updated", using)


def record_delete(sender, instance, using, **kwargs):
    record(sender, instance, "deleted", using)


def record(sender, instance, action, using):
    # Read both now: by the time a delete commits, instance.pk is None.
    label, pk = sender._meta.label, str(instance.pk)
    # The entry joins whatever transaction is open and rolls back with it.
    AuditEntry.objects.using(using).create(sender=label, object_pk=pk, action=action)
    # The log line is a side effect outside the database: it waits for the commit.
    transaction.on_commit(
        lambda: logger.info("%s %s %s", label, pk, action), using=using
    )


def audited_models():
    """Every registered model that inherits from Audited.

    That is each concrete subclass, each multi-table child of one, and each
    proxy of either: all of them send signals under their own class.
    """
    return [model for model in apps.get_models() if issubclass(model, Audited)]


def connect_audit_receivers():
    """Connect the audit receivers once for each audited sender.

    The dispatch_uid is combined with the sender, so one uid serves every
    model, and a second call connects nothing twice.
    """
    for model in audited_models():
        post_save.connect(
            record_save, sender=model, dispatch_uid="inherited_senders.record_save"
        )
        post_delete.connect(
            record_delete, sender=model, dispatch_uid="inherited_senders.record_delete"
        )
