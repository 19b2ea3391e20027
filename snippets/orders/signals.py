"""The signals the orders app sends. Other apps connect to them."""

from django.dispatch import Signal

# Sent by orders.services.complete_order() once an order is completed and
# saved, and only then.
#
#   sender        the Order class: connect with sender=Order.
#   order         the completed Order instance.
#   completed_by  the user who completed it, or None if the system did.
#
# Receivers must accept **kwargs: arguments may be added later.
order_completed = Signal()
