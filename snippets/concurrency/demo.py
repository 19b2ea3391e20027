from decimal import Decimal

from django.db import transaction
from django.db.transaction import TransactionManagementError

from concurrency.models import PriceChange, Product

lamp = Product.objects.create(name="Desk lamp", price=Decimal("20.00"), stock=10)
first = Product.objects.get(pk=lamp.pk)  # two requests load the same lamp
second = Product.objects.get(pk=lamp.pk)

with transaction.atomic():
    first.price = Decimal("30.00")
    first.save()
with transaction.atomic():
    second.name = "Reading lamp"
    second.save()  # writes every field, and its price is the 20.00 it loaded
print(Product.objects.values_list("name", "price").get())
#> ('Reading lamp', Decimal('20.00'))

first = Product.objects.get(pk=lamp.pk)
second = Product.objects.get(pk=lamp.pk)
with transaction.atomic():
    first.price = Decimal("35.00")
    first.save(update_fields=["price"])
with transaction.atomic():
    second.name = "Desk lamp"
    second.save(update_fields=["name"])  # leaves the price alone
print(Product.objects.values_list("name", "price").get())
#> ('Desk lamp', Decimal('35.00'))

# The history reads each old price from the row, in the saving transaction:
print([f"{c.old_price} -> {c.new_price}" for c in PriceChange.objects.all()])
#> ['20.00 -> 30.00', '30.00 -> 20.00', '20.00 -> 35.00']

second.price = Decimal("40.00")
try:
    second.save()  # outside atomic(): a lock would end before the UPDATE
except TransactionManagementError as error:
    print(error)
    #> Save a product's price inside transaction.atomic().
