from django.conf import settings
from django.db import models


# --8<-- [start:bulk]
class Document(models.Model):
    title = models.CharField(max_length=200)
    archived = models.BooleanField(default=False)

    def __str__(self):
        return self.title


class AuditEntry(models.Model):
    """One line in a document's history, written by a post_save receiver."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE)
    action = models.CharField(max_length=20)

    def __str__(self):
        return f"{self.document}: {self.action}"


# --8<-- [end:bulk]


# --8<-- [start:invoice]
class Invoice(models.Model):
    customer_email = models.EmailField()
    # Made from the primary key, so it can only be set after the INSERT.
    number = models.CharField(max_length=20, blank=True)

    def __str__(self):
        return self.number or "(unnumbered invoice)"


# --8<-- [end:invoice]


# --8<-- [start:comment]
class Post(models.Model):
    title = models.CharField(max_length=200)

    def __str__(self):
        return self.title


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    body = models.TextField()
    # A copy of post.title, so a list of comments needs no join.
    post_title = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"On {self.post_title}: {self.body[:30]}"


# --8<-- [end:comment]


# --8<-- [start:task]
class Task(models.Model):
    title = models.CharField(max_length=200)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_tasks", blank=True
    )

    def __str__(self):
        return self.title


class Notification(models.Model):
    """Tells a user they were put on a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    def __str__(self):
        return f"{self.user} was put on {self.task}"


# --8<-- [end:task]


# --8<-- [start:attachment]
class Attachment(models.Model):
    file = models.FileField(upload_to="pitfalls/")

    def __str__(self):
        return self.file.name


# --8<-- [end:attachment]
