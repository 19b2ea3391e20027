import importlib.util

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]

# An app that has views brings its own urls.py, mounted at /<app>/.
urlpatterns += [
    path(f"{app}/", include(f"{app}.urls"))
    for app in [*settings.SNIPPET_APPS, *settings.SITE_TOOLING_APPS]
    if importlib.util.find_spec(f"{app}.urls")
]
