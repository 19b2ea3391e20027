"""What the test modules share: receivers that record or fail, and an order."""

from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import TestCase

from ..models import Order
from ..services import complete_order
from ..signals import order_completed

User = get_user_model()


@contextmanager
def connected(receiver, signal=order_completed, **kwargs):
    """Connect a receiver for one test only."""
    signal.connect(receiver, **kwargs)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=kwargs.get("sender"))


class Recorder:
    """A receiver that remembers what it heard."""

    def __init__(self, name="recorder", returns=None):
        self.__name__ = self.__qualname__ = name
        self.calls, self.returns = [], returns

    def __call__(self, sender, **kwargs):
        self.calls.append((sender, kwargs))
        return self.returns


def fail(sender, **kwargs):
    raise ValueError("receiver failed")


class OrderTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("ada")

    def make_order(self):
        return Order.objects.create(customer=self.user, total=Decimal("42.50"))

    def complete(self, order, **kwargs):
        """complete_order() and its on_commit() work, as if it had committed."""
        with self.captureOnCommitCallbacks(execute=True):
            return complete_order(order, **kwargs)
