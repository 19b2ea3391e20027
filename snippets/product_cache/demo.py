from decimal import Decimal

from django.core.cache import cache

from product_cache.models import Product
from product_cache.services import PRICE_LIST_KEY, cached_price_list, raise_prices

cache.delete(PRICE_LIST_KEY)  # start with an empty cache

tea = Product.objects.create(name="Tea", price=Decimal("3.00"))
print(cached_price_list())
#> [('Tea', Decimal('3.00'))]

tea.price = Decimal("3.20")
tea.save()  # post_save: the list is rebuilt once the save commits
print(cached_price_list())
#> [('Tea', Decimal('3.20'))]

Product.objects.update(price=Decimal("9.99"))  # no signal: still the old list
print(cached_price_list())
#> [('Tea', Decimal('3.20'))]

raise_prices(Decimal("0.01"))  # a bulk write that refreshes the list itself
print(cached_price_list())
#> [('Tea', Decimal('10.00'))]
