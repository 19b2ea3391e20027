from django.db import models


class HeadlineQuerySet(models.QuerySet):
    async def alatest_titles(self, count=5):
        """The titles the front page shows, newest first."""
        newest = self.order_by("-pk").values_list("title", flat=True)[:count]
        return [title async for title in newest]


class Headline(models.Model):
    title = models.CharField(max_length=200)

    objects = HeadlineQuerySet.as_manager()

    def __str__(self):
        return self.title
