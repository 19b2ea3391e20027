from django.urls import path

from . import views

app_name = "async_receivers"
urlpatterns = [
    path("", views.front_page_view, name="front_page"),
    path("publish/", views.publish_view, name="publish"),
]
