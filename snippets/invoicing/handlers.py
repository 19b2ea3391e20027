"""A receivers module that nothing imports, so its receiver never runs.

Django imports every app's models module, but it does not look for
receivers: only an import (in AppConfig.ready()) connects them. This file
is here to show that; the invoicing app's real receivers are in signals.py.
"""

import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Invoice

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Invoice, dispatch_uid="invoicing.log_new_invoice")
def log_new_invoice(sender, instance, created, **kwargs):
    """Would log every new invoice, if anything imported this module."""
    if created:
        logger.info("Invoice %s created", instance.number)
