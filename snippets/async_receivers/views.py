from django import forms
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .models import Headline
from .services import front_page, publish


class HeadlineForm(forms.Form):
    title = forms.CharField(max_length=Headline._meta.get_field("title").max_length)


# Django refuses to run an async view in ATOMIC_REQUESTS' transaction: it
# raises RuntimeError. non_atomic_requests lets these views work in a project
# that turns ATOMIC_REQUESTS on.
@require_GET
@transaction.non_atomic_requests
async def front_page_view(request):
    return JsonResponse({"titles": await front_page()})


@require_POST
@transaction.non_atomic_requests
async def publish_view(request):
    """Publish a headline; publish() sends headline_published with asend."""
    user = await request.auser()
    if not await user.ahas_perm("async_receivers.add_headline"):
        return JsonResponse({"error": "permission denied"}, status=403)
    form = HeadlineForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    headline = await publish(form.cleaned_data["title"])
    return JsonResponse({"title": headline.title}, status=201)
