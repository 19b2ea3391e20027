import logging
from contextvars import ContextVar
from dataclasses import dataclass
from time import perf_counter

from django.core.handlers.wsgi import get_path_info
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestStart:
    method: str
    path: str
    started_at: float  # perf_counter(): only differences between two mean anything


# One value per thread under WSGI, per task under ASGI, so concurrent
# requests never see each other's start.
_current_request = ContextVar("request_lifecycle_current_request", default=None)


@receiver(request_started, dispatch_uid="request_lifecycle.log_request_start")
def log_request_start(sender, environ=None, scope=None, **kwargs):
    """Remember when and what this request started; there is no request yet."""
    if scope is not None:  # ASGI
        method, path = scope["method"], scope["path"]
    else:  # WSGI
        method, path = environ["REQUEST_METHOD"], get_path_info(environ)
    # Only the method and the path: no query string, no headers.
    start = RequestStart(_loggable(method), _loggable(path), perf_counter())
    _current_request.set(start)
    logger.info("%s %s started", start.method, start.path)


@receiver(request_finished, dispatch_uid="request_lifecycle.log_request_end")
def log_request_end(sender, **kwargs):
    """Log the request's duration; request_finished itself carries nothing."""
    start = _current_request.get()
    if start is None:
        # No start in this context: a response closed outside any request
        # (HttpResponse.close() sends the signal too), or, before Django
        # 6.1, a request served under ASGI.
        logger.debug("A request finished, but its start was not seen here")
        return
    _current_request.set(None)  # WSGI threads serve one request after another
    elapsed_ms = (perf_counter() - start.started_at) * 1000
    logger.info("%s %s finished in %.1f ms", start.method, start.path, elapsed_ms)


def _loggable(text, limit=200):
    """Untrusted text fit for one log line: control characters escaped, capped."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode()
        for char in text[:limit]
    )
