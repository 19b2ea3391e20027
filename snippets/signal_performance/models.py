from django.db import models


class Folder(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name


class Document(models.Model):
    folder = models.ForeignKey(
        Folder, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.title
