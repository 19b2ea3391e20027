from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]

# A snippet app that has views brings its own urls.py, mounted at /<app>/.
urlpatterns += [
    path(f"{app}/", include(f"{app}.urls"))
    for app in settings.SNIPPET_APPS
    if (settings.SNIPPETS_DIR / app / "urls.py").exists()
]
