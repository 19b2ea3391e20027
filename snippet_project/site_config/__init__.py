# Create the Celery app whenever Django starts, so that every @shared_task
# binds to it (site_config/celery.py).
from .celery import app as celery_app

__all__ = ["celery_app"]
