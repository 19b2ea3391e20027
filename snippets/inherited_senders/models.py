import logging

from django.db import models

logger = logging.getLogger(__name__)


# --8<-- [start:hierarchy]
class Audited(models.Model):
    """Abstract: every model that inherits from it is audited."""

    class Meta:
        abstract = True


class Document(Audited):
    title = models.CharField(max_length=100)
    summary = models.TextField(blank=True)

    def __str__(self):
        return self.title


class Draft(Document):
    """A proxy: the same table as Document, another class."""

    class Meta:
        proxy = True


class UrgentDraft(Draft):
    """A proxy of a proxy."""

    class Meta:
        proxy = True


class Invoice(Document):
    """Multi-table inheritance: its own table, linked to a Document row."""

    amount = models.DecimalField(max_digits=10, decimal_places=2)


class CreditNote(Invoice):
    """A child of a child: three tables."""

    reason = models.CharField(max_length=100)


# --8<-- [end:hierarchy]


# --8<-- [start:memo]
class Memo(Audited):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="memos")
    body = models.TextField()
    locked = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)

    def __str__(self):
        return self.body

    def save(self, *args, **kwargs):
        if self.locked and not self._state.adding:
            logger.info("Memo %s is locked; not saved", self.pk)
            return  # no super(): no query, no pre_save, no post_save
        self.body = self.body.strip()  # runs before pre_save
        super().save(*args, **kwargs)  # sends pre_save and post_save
        logger.info("Memo %s saved", self.pk)  # runs after post_save

    def delete(self, using=None, keep_parents=False):
        """Archive the memo instead of deleting its row."""
        self.archived = True
        self.save(using=using, update_fields=["archived"])
        return 0, {}  # no super(): no DELETE, no pre_delete, no post_delete


# --8<-- [end:memo]


# --8<-- [start:audit_entry]
class AuditEntry(models.Model):
    sender = models.CharField(max_length=100)  # the label of the sender
    object_pk = models.CharField(max_length=40)
    action = models.CharField(max_length=10)

    class Meta:
        ordering = ("pk",)
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action} {self.sender.partition('.')[2]}"


# --8<-- [end:audit_entry]
