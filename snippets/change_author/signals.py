import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .middleware import current_user
from .models import Note, NoteChange

logger = logging.getLogger(__name__)


# --8<-- [start:explicit]
# Option 1: the caller puts the user on the instance before save() or
# delete(), and the receivers read it from there.
@receiver(post_save, sender=Note, dispatch_uid="change_author.record_note_saved")
def record_note_saved(sender, instance, created, **kwargs):
    NoteChange.objects.create(
        note_pk=instance.pk,
        action=NoteChange.Action.CREATED if created else NoteChange.Action.CHANGED,
        by_id=instance.changed_by_id,
    )


@receiver(post_delete, sender=Note, dispatch_uid="change_author.record_note_deleted")
def record_note_deleted(sender, instance, **kwargs):
    NoteChange.objects.create(
        note_pk=instance.pk,
        action=NoteChange.Action.DELETED,
        by_id=instance.changed_by_id,
    )


# --8<-- [end:explicit]


# --8<-- [start:contextvar]
# Option 4: one receiver for any model, with the user taken from the request
# that CurrentUserMiddleware is handling. The model needs no field for it.
def log_change(sender, instance, signal, using, created=False, **kwargs):
    action = "deleted" if signal is post_delete else "created" if created else "changed"
    user = current_user()
    # Read everything now. The callback runs after the commit, when the
    # request may be over and a deleted instance no longer has its pk.
    facts = (
        sender._meta.label_lower,
        instance.pk,
        action,
        f"user {user.pk}" if user is not None else "no user",
    )
    transaction.on_commit(lambda: logger.info("%s %s %s by %s", *facts), using=using)


AUDITED_MODELS = [Note]  # models from any app can go here

for model in AUDITED_MODELS:
    for model_signal in (post_save, post_delete):
        model_signal.connect(
            log_change,
            sender=model,
            dispatch_uid=f"change_author.log_change.{model._meta.label_lower}",
        )
# --8<-- [end:contextvar]
