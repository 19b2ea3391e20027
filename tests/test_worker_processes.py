"""Receivers that queue work after the commit, with what production runs: a
worker in a process of its own, reading the queue.

- video_processing: a Redis broker and `celery -A site_config worker`,
  started from the project's Celery app (snippet_project/site_config/celery.py);
- order_receipts: django-tasks-db's queue table and `manage.py db_worker`.

A worker in another process must see the test database, so these run on
PostgreSQL, with the servers scripts/services.py starts (`make test` runs
them through it). On SQLite, or without REDIS_URL, they skip.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery import Celery, current_app
from django.db import connection, transaction
from order_receipts.models import Purchase
from video_processing.models import Video

from scripts.services import stop

PROJECT = Path(__file__).resolve().parent.parent / "snippet_project"
REDIS_URL = os.environ.get("REDIS_URL")
WAIT = 30  # seconds for a worker to do its task

pytestmark = pytest.mark.django_db(transaction=True)
on_a_server = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="a worker cannot see SQLite's test database"
)


def url_of_the_test_database():
    """DATABASE_URL, pointed at the test database this run created."""
    url = urlsplit(os.environ.get("DATABASE_URL", "sqlite://"))
    return url._replace(path="/" + connection.settings_dict["NAME"]).geturl()


@contextmanager
def worker(command, log, **env):
    """A worker process in the project, on the test database; always stopped."""
    env = {**os.environ, "DATABASE_URL": url_of_the_test_database(), **env}
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=log)
    try:
        yield process
    finally:
        stop(process)


def within(seconds, done):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def broker():
    """A Celery app sending to the Redis the worker reads: current for the
    test, so the receiver's @shared_task sends through it.
    """
    app = Celery("broker", broker=REDIS_URL, set_as_current=False)
    before = current_app._get_current_object()
    app.set_current()
    yield app
    before.set_current()
    app.close()


CELERY_WORKER = [sys.executable, "-m", "celery", "-A", "site_config", "worker"]
CELERY_WORKER += ["--pool=solo", "--without-gossip", "--without-mingle", "-l", "INFO"]


@on_a_server
@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL: run scripts/services.py")
def test_a_celery_worker_process_transcodes_the_video_after_the_commit(
    broker, tmp_path
):
    log_path = tmp_path / "worker.log"
    with (
        log_path.open("w") as log,
        worker(CELERY_WORKER, log, CELERY_BROKER_URL=REDIS_URL),
    ):
        with transaction.atomic():
            video = Video.objects.create(title="Launch talk")

        def ready():
            video.refresh_from_db()
            return video.status == Video.Status.READY

        assert within(WAIT, ready), log_path.read_text()[-3000:]


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_SETTINGS = f"""\
from site_config.settings import *  # noqa: F403

TASKS = {DATABASE_QUEUE!r}
"""
DB_WORKER = [sys.executable, "-m", "django", "db_worker", "--interval", "0.2"]
DB_WORKER += ["--no-startup-delay", "--no-reload"]


@on_a_server
def test_a_db_worker_process_sends_the_receipt_queued_on_commit(settings, tmp_path):
    settings.TASKS = DATABASE_QUEUE  # the receiver queues into the table
    (tmp_path / "worker_settings.py").write_text(WORKER_SETTINGS)
    log_path = tmp_path / "worker.log"
    with transaction.atomic():
        purchase = Purchase.objects.create(
            number="P-42", email="a@example.com", total=9
        )
    purchase.refresh_from_db()
    assert purchase.receipt_sent_at is None  # queued, for the worker to send

    with (
        log_path.open("w") as log,
        worker(
            DB_WORKER,
            log,
            DJANGO_SETTINGS_MODULE="worker_settings",
            PYTHONPATH=str(tmp_path),
        ),
    ):

        def sent():
            purchase.refresh_from_db()
            return purchase.receipt_sent_at is not None

        assert within(WAIT, sent), log_path.read_text()[-3000:]


class Failure(Exception):
    pass


def test_a_failing_test_leaves_no_worker_behind(tmp_path):
    with (
        pytest.raises(Failure),
        (tmp_path / "worker.log").open("w") as log,
        worker([sys.executable, "-c", "import time; time.sleep(60)"], log) as process,
    ):
        raise Failure
    assert process.poll() is not None, "the worker still runs after the failure"
