from django import forms
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Tag


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name",)


@require_POST
def add_tag(request):
    """Create a tag from the posted name: a request that saves one row.

    The request scenarios record it, so the diagram shows model signals
    between request_started and request_finished. The form validates the
    untrusted input (length, uniqueness) before anything is saved.
    """
    form = TagForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    tag = form.save()
    return JsonResponse({"name": tag.name}, status=201)
