import threading
from contextlib import contextmanager
from unittest import mock

from celery import Celery, current_app
from celery.contrib.testing.worker import start_worker
from celery.signals import after_task_publish, setup_logging, task_postrun
from django.db import transaction
from django.db.models.signals import post_save
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from .models import Video
from .tasks import transcode_video

# The tests bring their own Celery app, on the in-memory broker, so they run
# in any project, whatever its Celery set-up: @shared_task binds to the
# current app, and this one is current while the tests run.
app = Celery("video_processing_tests", set_as_current=False)
app.conf.update(broker_url="memory://localhost/", result_backend=None)


project_app = current_app._get_current_object()


def setUpModule():
    app.set_current()


def tearDownModule():
    project_app.set_current()


class Declined(Exception):
    pass


def upload(title="Launch talk"):
    return Video.objects.create(title=title)


@contextmanager
def celery_conf(**options):
    """Change Celery options for one test, and put them back afterwards."""
    saved = {name: app.conf[name] for name in options}
    app.conf.update(options)
    try:
        yield
    finally:
        app.conf.update(saved)


class QueueTranscodingTests(TestCase):
    """What the receiver sends, and when. .delay() is mocked: no broker."""

    def setUp(self):
        self.delay = self.enterContext(mock.patch.object(transcode_video, "delay"))

    def test_the_task_is_sent_only_after_the_commit_with_the_pk(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            video = upload()

        self.delay.assert_not_called()
        for callback in callbacks:  # what a real COMMIT would run
            callback()
        self.delay.assert_called_once_with(video.pk)

    def test_a_rollback_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    upload()
                    raise Declined
            except Declined:
                pass

        self.delay.assert_not_called()

    def test_an_update_sends_nothing(self):
        video = upload()
        with self.captureOnCommitCallbacks(execute=True):
            video.title = "Launch talk (final)"
            video.save()

        self.delay.assert_not_called()

    def test_loaddata_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            post_save.send(
                sender=Video,
                instance=Video(title="Old talk"),
                created=True,
                raw=True,
                using="default",
                update_fields=None,
            )

        self.delay.assert_not_called()

    def test_the_receiver_logs_instead_of_printing(self):
        with self.assertLogs("video_processing.signals", "INFO") as logs:
            video = upload()

        self.assertEqual(
            [r.getMessage() for r in logs.records],
            [f"Video {video.pk} will be transcoded after commit"],
        )


class DelayOnCommitTests(TestCase):
    def test_delay_on_commit_also_waits_for_the_commit(self):
        with mock.patch.object(transcode_video, "delay") as delay:
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                transcode_video.delay_on_commit(42)

            delay.assert_not_called()
            for callback in callbacks:
                callback()
            delay.assert_called_once_with(42)


class EagerTests(TestCase):
    """task_always_eager: .delay() runs the task in this process, no broker."""

    def test_the_task_marks_the_video_ready(self):
        with (
            celery_conf(task_always_eager=True),
            self.captureOnCommitCallbacks(execute=True),
        ):
            video = upload()

        video.refresh_from_db()
        self.assertEqual(video.status, Video.Status.READY)

    def test_the_task_reports_whether_it_did_the_work(self):
        video = upload()

        # What AsyncResult.get() returns, with a result backend.
        self.assertIs(transcode_video(video.pk), True)
        self.assertIs(transcode_video(video.pk), False)  # already done

    def test_the_task_does_nothing_for_a_deleted_video(self):
        video = upload()
        video_id = video.pk
        video.delete()

        self.assertIs(transcode_video(video_id), False)


def keep_djangos_logging(**kwargs):
    """Connected to setup_logging, so Celery leaves the logging config alone."""


# --8<-- [start:worker]
class CeleryWorkerTests(TransactionTestCase):
    """A real Celery worker, in a thread, reading the in-memory broker.

    TransactionTestCase: the worker thread has its own database connection,
    and sees only what is committed.
    """

    # A starting worker runs Django's system checks, which may look at every
    # database the project has.
    databases = "__all__"

    def test_a_worker_transcodes_the_video_after_the_commit(self):
        published, finished = [], threading.Event()

        def on_publish(sender, **kwargs):  # sender: the task's name
            published.append(sender)

        def on_postrun(task, **kwargs):
            if task.name == transcode_video.name:
                finished.set()

        setup_logging.connect(keep_djangos_logging)
        after_task_publish.connect(on_publish)
        task_postrun.connect(on_postrun)
        try:
            with start_worker(app, pool="solo", perform_ping_check=False):
                with transaction.atomic():
                    video = upload()
                    self.assertEqual(published, [])  # not before the commit
                self.assertEqual(published, [transcode_video.name])
                self.assertTrue(finished.wait(timeout=30), "the worker ran no task")
        finally:
            task_postrun.disconnect(on_postrun)
            after_task_publish.disconnect(on_publish)
            setup_logging.disconnect(keep_djangos_logging)

        video.refresh_from_db()
        self.assertEqual(video.status, Video.Status.READY)


# --8<-- [end:worker]


class BrokerFromTheEnvironmentTests(SimpleTestCase):
    def test_the_environment_variable_wins_over_the_apps_own_broker_url(self):
        elsewhere = "redis://broker.example:6379/0"
        own = Celery("own", set_as_current=False)
        own.conf.update(broker_url="memory://localhost/")
        with mock.patch.dict("os.environ", {"CELERY_BROKER_URL": elsewhere}):
            self.assertEqual(own.conf.broker_url, elsewhere)
        self.assertEqual(own.conf.broker_url, "memory://localhost/")
