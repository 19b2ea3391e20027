from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)

    def __str__(self):
        return self.title


class Magazine(models.Model):
    title = models.CharField(max_length=200)

    def __str__(self):
        return self.title
