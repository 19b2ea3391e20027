from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self):
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    # Deleting an author deletes their books: a cascade to record.
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    # Django creates the table between books and tags: the model
    # Book.tags.through, which is the sender of m2m_changed.
    tags = models.ManyToManyField(Tag, related_name="books", blank=True)

    def __str__(self):
        return self.title
