from django.conf import settings
from django.db import models
from django.utils import timezone


class Note(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Who saved this note last. Whoever calls save() sets it first: a view
    # from request.user, the admin in save_model(), a command from --by.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,  # never a form field: a visitor must not choose it
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self):
        return self.title


class NoteChange(models.Model):
    """One row of the audit trail: what happened to which note, and by whom."""

    class Action(models.TextChoices):
        CREATED = "created"
        CHANGED = "changed"
        PUBLISHED = "published"
        DELETED = "deleted"

    # A plain number, not a foreign key: the row outlives a deleted note.
    note_pk = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=10, choices=Action)
    # None when nobody said who it was.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self):
        return f"note {self.note_pk} {self.action} by user {self.by_id}"
