"""The project's Celery app. In your project, this is mysite/celery.py.

Start a worker with `celery -A site_config worker --loglevel=INFO`.
"""

import os

from celery import Celery

# A worker started from the command line needs Django's settings too.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")

app = Celery("site_config")
# Every Django setting named CELERY_<NAME> sets Celery's <name> option:
# CELERY_BROKER_URL becomes broker_url.
app.config_from_object("django.conf:settings", namespace="CELERY")
# When a worker starts, import the tasks module of every installed app.
app.autodiscover_tasks()
