import ipaddress
from time import perf_counter

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.utils.encoding import escape_uri_path

from .signals import request_timed


def client_ip(request):
    """Return the client's IP address, or None if it cannot be trusted.

    REMOTE_ADDR is the peer of this server, set by the server itself. Only
    when that peer is one of settings.REQUEST_TIMING_TRUSTED_PROXIES is
    X-Forwarded-For read, from the right: each trusted proxy appends the
    address it saw, so the right-most untrusted entry is the client. Entries
    further left were sent by the client and may be invented.
    """
    proxies = [
        ipaddress.ip_network(proxy, strict=False)
        for proxy in getattr(settings, "REQUEST_TIMING_TRUSTED_PROXIES", [])
    ]

    def trusted(ip):
        return any(ip in network for network in proxies)

    address = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return None
    if not trusted(address):
        return str(address)
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = address
    for entry in reversed(header.split(",") if header else []):
        client = _parse_ip(entry.strip())
        if client is None:
            return None  # garbage where a proxy should have written an address
        if not trusted(client):
            break
    # If every hop is a proxy, the left-most one is where the request began.
    return str(client)


def _parse_ip(text):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class RequestTimingMiddleware:
    """Time each request and send request_timed with what is safe to log.

    Put it first in MIDDLEWARE: it then sees the request before, and the
    response after, every other middleware, and times them too. It works
    under WSGI and ASGI alike.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        start = perf_counter()
        response = self.get_response(request)
        facts = self.facts(request, response, perf_counter() - start)
        # send_robust(): a failing receiver is logged, and the response is
        # still returned. Timing must never break a page.
        request_timed.send_robust(**facts)
        return response

    async def __acall__(self, request):
        start = perf_counter()
        response = await self.get_response(request)
        facts = self.facts(request, response, perf_counter() - start)
        await request_timed.asend_robust(**facts)
        return response

    def facts(self, request, response, duration):
        # Only these values leave the middleware: no headers, no cookies, no
        # query string. escape_uri_path() turns a decoded "\n" back into %0A,
        # so nobody can forge a log line through the URL.
        match = request.resolver_match
        return {
            "sender": type(self),
            "method": request.method,
            "path": escape_uri_path(request.path),
            "route": match.route if match else None,
            "status_code": response.status_code,
            "client_ip": client_ip(request),
            "duration": duration,
        }
