from django.urls import path

from . import views

app_name = "signal_scenarios"

urlpatterns = [
    path("tags/", views.add_tag, name="add-tag"),
]
