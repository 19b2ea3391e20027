from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [path("<int:pk>/complete/", views.complete, name="complete")]
