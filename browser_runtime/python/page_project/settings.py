"""Settings of the project a page's Run button runs code in, in the browser.

A project as `startproject` makes it, with one in-memory SQLite database,
plus what the app's "Use this app" box adds (its install.toml, through
hooks/copyable_apps.py): page_runner.start() puts that code in
PAGE_PROJECT_SETTINGS before Django reads this module.
"""

import os
from pathlib import Path

BASE_DIR = Path("/home/pyodide")
SECRET_KEY = "only-ever-used-in-a-browser-tab"
DEBUG = True
ALLOWED_HOSTS = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "page_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# In memory: page_runner gives every run a fresh copy of the migrated database.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

# Pyodide's hashlib has no pbkdf2_hmac, which Django's default hasher needs
# (it comes from OpenSSL, which Pyodide does not bundle). Fast and insecure,
# as Django's docs suggest for tests; nothing here ever leaves the tab.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# As in snippet_project, where the pages' `#>` lines were recorded.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

exec(os.environ.get("PAGE_PROJECT_SETTINGS", ""))
