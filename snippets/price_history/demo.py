from decimal import Decimal

from price_history.models import PriceChange, Product

lamp = Product.objects.create(name="Desk lamp", price=Decimal("20.00"))
lamp.price = Decimal("24.00")
lamp.save()

lamp = Product.objects.get(pk=lamp.pk)  # post_init remembers 24.00
lamp.price = Decimal("22.50")
lamp.save()
print([str(change) for change in PriceChange.objects.all()])
#> ['Desk lamp: 20.00 -> 24.00', 'Desk lamp: 24.00 -> 22.50']

lamp = Product.objects.only("name").get(pk=lamp.pk)
lamp.name = "Reading lamp"
lamp.save()  # update_fields is {"name"}: no price was written
print(PriceChange.objects.count())
#> 2

lamp.price = Decimal("19.90")  # never loaded: pre_save reads the stored price
lamp.save()
print(PriceChange.objects.last())
#> Reading lamp: 22.50 -> 19.90

Product.objects.update(price=Decimal("99.00"))  # sends no signals at all
print(PriceChange.objects.count())
#> 3
