"""Every receiver a snippet app connects is proved by that app's tests.

For each receiver, its body is swapped for `return None` and the app's own
tests run again: at least one of them must fail. A receiver whose removal
no test notices is either untested or does nothing worth showing.
"""

import gc
import unittest
import weakref
from importlib import import_module

import pytest
from django.dispatch import Signal

from . import pages

SNIPPET_APPS = {p.parent.name for p in pages.SNIPPETS.glob("*/apps.py")}


def noop(*args, **kwargs):
    return None


async def async_noop(*args, **kwargs):
    return None


def connected_receivers():
    """(signal, function) for every receiver a snippet app has connected."""
    found = {}
    for signal in (o for o in gc.get_objects() if isinstance(o, Signal)):
        for entry in signal.receivers:
            receiver = entry[1]
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            receiver = getattr(receiver, "__func__", receiver)  # bound methods
            module = getattr(receiver, "__module__", "") or ""
            if module.partition(".")[0] in SNIPPET_APPS:
                found[f"{module}.{receiver.__qualname__}"] = receiver
    return found


RECEIVERS = connected_receivers()


def failures_in_app_tests(app):
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        import_module(f"{app}.tests")
    )
    result = unittest.TestResult()
    result.failfast = True  # one failing test is all the proof needed
    suite.run(result)
    return len(result.failures) + len(result.errors)


@pytest.mark.parametrize("name", sorted(RECEIVERS))
def test_removing_the_receiver_body_fails_a_test(
    name, django_db_setup, django_db_blocker
):
    receiver = RECEIVERS[name]
    app = name.partition(".")[0]
    original = receiver.__code__
    stub = async_noop if original.co_flags & 0x80 else noop  # 0x80: CO_COROUTINE
    receiver.__code__ = stub.__code__
    try:
        with django_db_blocker.unblock():
            failed = failures_in_app_tests(app)
    finally:
        receiver.__code__ = original
    assert failed, (
        f"{name}: replacing its body with `return None` fails none of the tests in "
        f"snippets/{app}/tests.py. Add a test that proves what the receiver does."
    )
