from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=200)

    def __str__(self):
        return self.text

    # --8<-- [start:save]
    def save(self, *args, **kwargs):
        """Store the text without surrounding spaces.

        A rule about the model's own fields lives best on the model, where the
        next reader looks first.
        """
        self.text = self.text.strip()
        super().save(*args, **kwargs)
        # --8<-- [end:save]
