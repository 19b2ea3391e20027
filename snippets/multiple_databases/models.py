from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self):
        return self.name


class Article(models.Model):
    title = models.CharField(max_length=200)
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)

    def __str__(self):
        return self.title


class AuditEntry(models.Model):
    """One line of an article's history, kept in the article's database."""

    # A plain number, not a foreign key: the history outlives the article.
    article_pk = models.BigIntegerField()
    action = models.CharField(max_length=20)
    detail = models.CharField(max_length=400)

    class Meta:
        ordering = ("pk",)
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action} {self.article_pk}: {self.detail}"
