from orders.models import Order
from orders.signals import order_completed

heard = []


def any_sender(sender, **kwargs):
    heard.append("any_sender")


def orders_only(sender, **kwargs):
    heard.append("orders_only")


order_completed.connect(any_sender)
order_completed.connect(orders_only, sender=Order)
try:
    order_completed.send(sender=None, order=None, completed_by=None)
    print(heard)
    #> ['any_sender']
finally:
    order_completed.disconnect(any_sender)
    order_completed.disconnect(orders_only, sender=Order)
