from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    # Kept up to date by a receiver on Review, in the database (signals.py).
    review_count = models.PositiveIntegerField(default=0)
    top_rating = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.name


class PriceChange(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="price_changes"
    )
    old_price = models.DecimalField(max_digits=10, decimal_places=2)
    new_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ("pk",)

    def __str__(self):
        return f"{self.product}: {self.old_price} -> {self.new_price}"


class Review(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField()
    published = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.rating}/5 for {self.product}"


class ReviewNotice(models.Model):
    """The staff were told about a published review: at most once per review."""

    # A OneToOneField is unique: the database refuses a second notice.
    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="notice"
    )

    def __str__(self):
        return f"Notice for review {self.review_id}"
