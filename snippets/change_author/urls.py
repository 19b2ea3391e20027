from django.urls import path

from . import views

app_name = "change_author"

urlpatterns = [
    path("notes/<int:pk>/edit/", views.edit_note, name="edit_note"),
]
