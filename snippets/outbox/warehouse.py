"""The receiving side: the warehouse that ships orders.

In your project this is another service, reached over HTTP or a message
broker. Whatever the transport, a message can arrive more than once, so the
receiver keeps the key of every message it has acted on and ignores a repeat.
"""

import logging

from .models import Shipment

logger = logging.getLogger(__name__)


def receive(key, payload):
    """Ship the order in the message, once per key. True if it was new."""
    shipment, created = Shipment.objects.get_or_create(
        idempotency_key=key, defaults={"order_number": payload["order"]}
    )
    if created:
        logger.info("Shipping order %s", shipment.order_number)
    else:
        logger.info("Message %s arrived again; ignored", key)
    return created
