from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured

# For the request being handled: a function that returns request.user.
# A ContextVar, not a global or a threading.local: under ASGI many requests
# share one thread, and each asyncio task has its own copy of the context.
_request_user = ContextVar("change_author_request_user", default=None)


def current_user():
    """The signed-in user of the request being handled, or None.

    None outside a request (a shell, a management command, a task worker,
    a test that calls code directly) and for anonymous visitors. Call it
    from sync code: it may load the user from the database.
    """
    read_user = _request_user.get()
    if read_user is None:
        return None
    user = read_user()
    return user if user.is_authenticated else None


class CurrentUserMiddleware:
    """Make request.user available to current_user() during each request.

    Put it after AuthenticationMiddleware, which sets request.user. It works
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
        token = _request_user.set(self.user_reader(request))
        try:
            return self.get_response(request)
        finally:
            # Always put back the value from before the request, or the next
            # piece of work on this thread would see this request's user.
            _request_user.reset(token)

    async def __acall__(self, request):
        token = _request_user.set(self.user_reader(request))
        try:
            return await self.get_response(request)
        finally:
            _request_user.reset(token)

    @staticmethod
    def user_reader(request):
        if not hasattr(request, "user"):  # does not load the user
            raise ImproperlyConfigured(
                "CurrentUserMiddleware needs request.user: put it after "
                "django.contrib.auth.middleware.AuthenticationMiddleware."
            )

        # Read request.user only when a receiver asks, not now: most requests
        # save nothing and need no user loaded. Reading the attribute then,
        # rather than keeping the object from now, also sees a login() or a
        # logout() that the view did in between.
        def read_user():
            return request.user

        return read_user
