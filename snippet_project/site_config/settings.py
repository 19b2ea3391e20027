"""Settings for the project that hosts every app under snippets/.

Development is the default: DEBUG is on and a throwaway secret key is made
at start-up. Production sets DJANGO_DEBUG=0, which makes DJANGO_SECRET_KEY
and DJANGO_ALLOWED_HOSTS required and turns on every HTTPS protection, so
`manage.py check --deploy` passes.
"""

import os
import sys
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

PROJECT_DIR = Path(__file__).resolve().parent.parent
SNIPPETS_DIR = PROJECT_DIR.parent / "snippets"
SITE_TOOLING_DIR = PROJECT_DIR.parent / "site_tooling"

# Each folder under snippets/ is an app a reader can copy into their own
# project as-is, so it is importable by its own name ("profiles"). The apps
# under site_tooling/ exist to check and draw the site. Appended, so that a
# copy earlier on the path wins (scripts/mutation.py mutates one).
for folder in (SNIPPETS_DIR, SITE_TOOLING_DIR):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG=0.")
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["localhost", "127.0.0.1", "[::1]", "testserver"]
elif not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when DJANGO_DEBUG=0.")

# Every folder under snippets/ with an apps.py is installed, so a new
# snippet app needs no edit here.
SNIPPET_APPS = sorted(p.parent.name for p in SNIPPETS_DIR.glob("*/apps.py"))
SITE_TOOLING_APPS = sorted(p.parent.name for p in SITE_TOOLING_DIR.glob("*/apps.py"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    *SNIPPET_APPS,
    *SITE_TOOLING_APPS,
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

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"
ASGI_APPLICATION = "site_config.asgi.application"

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

# --8<-- [start:databases]
DATABASES = {
    # DATABASE_URL, such as postgres://user:password@host:5432/name, or
    # SQLite when it is unset.
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"
    ),
    # A second database (docs/guide/multiple-databases.md).
    "other": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": PROJECT_DIR / "other.sqlite3",
    },
}
# --8<-- [end:databases]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", PROJECT_DIR / "media")

# Email: printed to the console in development, sent over SMTP in production.
EMAIL_BACKEND_PATH = "django.core.mail.backends." + ("console" if DEBUG else "smtp")
SMTP_OPTIONS = {
    "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587")),
    "username": os.environ.get("DJANGO_EMAIL_USER", ""),
    "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
    "use_tls": True,
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
if django.VERSION >= (6, 1):  # Django 6.1 configures email through MAILERS.
    MAILERS = {
        "default": {
            "BACKEND": f"{EMAIL_BACKEND_PATH}.EmailBackend",
            "OPTIONS": {} if DEBUG else SMTP_OPTIONS,
        }
    }
else:
    EMAIL_BACKEND = f"{EMAIL_BACKEND_PATH}.EmailBackend"
    if not DEBUG:
        EMAIL_HOST, EMAIL_PORT = SMTP_OPTIONS["host"], SMTP_OPTIONS["port"]
        EMAIL_HOST_USER = SMTP_OPTIONS["username"]
        EMAIL_HOST_PASSWORD = SMTP_OPTIONS["password"]
        EMAIL_USE_TLS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Database triggers declared on models, installed by migrations on
# PostgreSQL only (docs/guide/alternatives-to-signals.md).
INSTALLED_APPS += ["pgtrigger"]

# --8<-- [start:background-work]
# Background work for receivers (docs/guide/transactions-and-tasks.md).
# Django 6.0 has the tasks framework built in (django.tasks); on Django 5.2
# the django-tasks backport provides it as the django_tasks app.
_tasks_package = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
if django.VERSION < (6, 0):
    INSTALLED_APPS += ["django_tasks"]
# django-tasks-db: a queue in a database table, run by `manage.py db_worker`.
INSTALLED_APPS += ["django_tasks_db"]
# Tasks run at once, in the process that enqueues them: right for tests and
# development. A deployment with a worker uses "django_tasks_db.DatabaseBackend".
TASKS = {
    "default": {"BACKEND": f"{_tasks_package}.backends.immediate.ImmediateBackend"}
}
# Celery reads every CELERY_* setting (site_config/celery.py). No
# broker runs for this project; set CELERY_BROKER_URL (redis://...) where one does.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
# --8<-- [end:background-work]
