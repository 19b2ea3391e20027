from django.db import transaction

from .models import Product


class OutOfStock(Exception):
    pass


# --8<-- [start:sell]
def sell(product_id, quantity=1):
    """Take items out of stock: read, check and write in one transaction.

    select_for_update() locks the row until the transaction ends, on
    databases with row locks (PostgreSQL, MySQL, Oracle). Another sell() of
    the same product waits at that line, then reads the stock this one left.
    """
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product_id)
        if product.stock < quantity:
            raise OutOfStock(f"{product} has {product.stock} left")
        product.stock -= quantity
        product.save(update_fields=["stock"])
    return product


# --8<-- [end:sell]
