from django.urls import path

from . import views

urlpatterns = [
    path("hello/<str:name>/", views.hello),
    path("countdown/", views.countdown),
    path("broken/", views.broken),
]
