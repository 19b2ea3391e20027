from django.db import models


class Album(models.Model):
    title = models.CharField(max_length=100)

    def __str__(self):
        return self.title


class Photo(models.Model):
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="photos")
    # A FileField keeps this app free of Pillow. models.ImageField (which
    # needs Pillow) is a FileField subclass: the receivers work unchanged.
    image = models.FileField(upload_to="photos/")

    def __str__(self):
        return self.image.name
