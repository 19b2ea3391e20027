import logging
import sys

from django.core.signals import got_request_exception, request_finished, request_started
from django.dispatch import receiver

logger = logging.getLogger(__name__)


def handler_name(sender):
    """Name the handler class that sent the signal; the sender may be None."""
    return getattr(sender, "__name__", sender)


def method_and_path(environ=None, scope=None):
    """Pick the two harmless facts out of a WSGI environ or an ASGI scope.

    Both also carry every header, cookies included, so they never go to a log
    whole.
    """
    if scope is not None:
        return scope.get("method", ""), scope.get("path", "")
    environ = environ or {}
    # PEP 3333 passes the path as bytes decoded as latin-1: undo that.
    path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    return environ.get("REQUEST_METHOD", ""), path.decode("utf-8", "replace")


@receiver(request_started, dispatch_uid="request_log.log_request_started")
def log_request_started(sender, environ=None, scope=None, **kwargs):
    """Note each request as it begins: WSGI sends `environ`, ASGI `scope`."""
    method, path = method_and_path(environ, scope)
    # %r escapes control characters, so a path cannot forge extra log lines.
    logger.info(
        "Request started: %s %r (sender: %s)", method, path, handler_name(sender)
    )


@receiver(request_finished, dispatch_uid="request_log.log_request_finished")
def log_request_finished(sender, **kwargs):
    """Note the end of a request; the signal carries nothing but the sender."""
    # The test clients, and a response closed outside any handler, send None.
    logger.info("Request finished (sender: %s)", handler_name(sender))


@receiver(got_request_exception, dispatch_uid="request_log.log_unhandled_exception")
def log_unhandled_exception(sender, request, **kwargs):
    """Name the failing request in one line.

    Django logs the traceback to `django.request` itself. The signal is sent
    while the exception is being handled, so sys.exc_info() still holds it.
    """
    error = sys.exc_info()[1]
    logger.warning(
        "Unhandled %s in %s %r",
        type(error).__name__,
        request.method,
        request.path,
    )
