import logging

from django.dispatch import Signal, receiver

logger = logging.getLogger(__name__)

# Sent by RequestTimingMiddleware once a response is ready.
# sender: the middleware class. Keyword arguments, all safe to log:
# method, path (escaped, without the query string), route (the URL pattern
# that matched, or None), status_code, client_ip (or None) and duration
# (seconds, a float).
request_timed = Signal()


@receiver(request_timed, dispatch_uid="request_timing.log_request")
def log_request(
    sender, method, path, route, status_code, client_ip, duration, **kwargs
):
    """Log one line per request, grouped by route rather than by raw path."""
    logger.info(
        "%s %s %s from %s in %.1f ms",
        method,
        # The route hides the values in the URL: "reset/<token>/", not the token.
        f"/{route}" if route is not None else path,
        status_code,
        client_ip or "unknown",
        duration * 1000,
    )
