from django.contrib.auth.decorators import permission_required
from django.forms import modelform_factory
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Note
from .services import save_note

# Only the fields a visitor may change. changed_by is not one of them.
NoteForm = modelform_factory(Note, fields=["title", "body"])


@require_POST
@permission_required("change_author.change_note", raise_exception=True)
def edit_note(request, pk):
    note = get_object_or_404(Note, pk=pk)
    form = NoteForm(request.POST, instance=note)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    # The view is where the user is known: it says who, and saves.
    save_note(form.save(commit=False), by=request.user)
    return JsonResponse({"pk": note.pk})
