"""The URLs of the page's project: as snippet_project mounts them.

An installed app with a urls.py is mounted at /<app>/, as in
snippet_project/site_config/urls.py, where the pages' output was recorded.
"""

import importlib.util

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
urlpatterns += [
    path(f"{config.label}/", include(f"{config.name}.urls"))
    for config in apps.get_app_configs()
    if not config.name.startswith("django.")
    and importlib.util.find_spec(f"{config.name}.urls")
]
