from django.http import HttpResponse, StreamingHttpResponse


def hello(request, name):
    # text/plain: the name comes from the URL and must not become HTML.
    return HttpResponse(f"Hello, {name}", content_type="text/plain")


def countdown(request):
    """Stream the body, so the server closes the response only at its end."""
    return StreamingHttpResponse(
        (f"{n}\n" for n in (3, 2, 1)), content_type="text/plain"
    )


def broken(request):
    """A view with a bug: it lets an exception escape."""
    raise ValueError("the view failed")
