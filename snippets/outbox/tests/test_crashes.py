"""Real processes that die: what on_commit() loses, what the outbox keeps."""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from .helpers import QUEUE_APPS

PROCESS_SETTINGS = """\
import os

import django

from {base} import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, *(a for a in {apps!r} if a not in INSTALLED_APPS)]
DATABASES = {{
    "default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["TEST_DB"]}}
}}
DATABASE_ROUTERS = []
TASKS = {{"default": {{"BACKEND": "django_tasks_db.DatabaseBackend"}}}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"  # no mail leaves
if django.VERSION >= (6, 1):
    MAILERS = {{"default": {{"BACKEND": LOCMEM}}}}
else:
    EMAIL_BACKEND = LOCMEM
"""

MIGRATE = """\
import django
from django.core.management import call_command

django.setup()
call_command("migrate", verbosity=0)
"""

CRASHED = 70  # the exit status of the process that "dies"

# --8<-- [start:crash_script]
CRASH_AFTER_COMMIT = f"""\
import os

import django
from django.db import transaction
from django.db.models.signals import post_save

django.setup()

from outbox.antipatterns import notify_warehouse_on_commit
from outbox.models import Order
from outbox.services import place_order

post_save.connect(notify_warehouse_on_commit, sender=Order)
with transaction.atomic():
    # The first callback after COMMIT ends the process, as a crash would.
    transaction.on_commit(lambda: os._exit({CRASHED}))
    place_order("A-1", "ada@example.com")
"""
# --8<-- [end:crash_script]

PLACE_ORDER = """\
import django

django.setup()

from outbox.services import place_order

place_order("A-1", "ada@example.com")
"""

WORKER = ["db_worker", "--batch", "--no-startup-delay", "--no-reload"]


class ProcessTests(SimpleTestCase):
    """Real processes, on a SQLite file that all of them can open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.migrated = cls.folder / "migrated.sqlite3"
        (cls.folder / "process_settings.py").write_text(
            PROCESS_SETTINGS.format(base=settings.SETTINGS_MODULE, apps=QUEUE_APPS)
        )
        cls.run_python("-c", MIGRATE, db=cls.migrated)

    def setUp(self):
        self.db = self.folder / f"{self._testMethodName}.sqlite3"
        shutil.copy(self.migrated, self.db)

    @classmethod
    def run_python(cls, *args, db, status=0):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "process_settings",
            "PYTHONPATH": os.pathsep.join([str(cls.folder), *sys.path]),
            "TEST_DB": str(db),  # each test works on its own copy
        }
        result = subprocess.run(
            [sys.executable, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == status, result.stderr
        return result.stdout

    def query(self, sql):
        with closing(sqlite3.connect(self.db, timeout=10)) as db, db:
            return db.execute(sql).fetchall()

    # --8<-- [start:crash_test]
    def test_a_crash_after_commit_loses_the_callback_but_not_the_rows(self):
        self.run_python("-c", CRASH_AFTER_COMMIT, db=self.db, status=CRASHED)

        self.assertEqual(self.query("SELECT number FROM outbox_order"), [("A-1",)])
        # The on_commit() callback never ran: the warehouse heard nothing.
        self.assertEqual(self.query("SELECT * FROM outbox_shipment"), [])
        # The outbox message and the task committed with the order.
        self.assertEqual(
            self.query("SELECT sent_at FROM outbox_outboxmessage"), [(None,)]
        )
        self.assertEqual(
            self.query("SELECT status FROM django_tasks_database_dbtaskresult"),
            [("READY",)],
        )

        # After the restart, the relay and the worker pick up where it died.
        output = self.run_python("-m", "django", "relay_outbox", db=self.db)
        self.assertEqual(output, "Sent 1 message(s); 0 pending.\n")
        self.assertEqual(
            self.query("SELECT order_number FROM outbox_shipment"), [("A-1",)]
        )
        self.run_python("-m", "django", *WORKER, db=self.db)
        self.assertEqual(
            self.query("SELECT status FROM django_tasks_database_dbtaskresult"),
            [("SUCCESSFUL",)],
        )
        [(sent_at,)] = self.query("SELECT confirmation_sent_at FROM outbox_order")
        self.assertIsNotNone(sent_at)

    # --8<-- [end:crash_test]

    def test_a_task_whose_worker_died_is_not_run_again_until_you_reset_it(self):
        self.run_python("-c", PLACE_ORDER, db=self.db)
        # A worker claimed the task, sent the email, and died before it could
        # record the result.
        self.query("UPDATE django_tasks_database_dbtaskresult SET status = 'RUNNING'")
        self.query("UPDATE outbox_order SET confirmation_sent_at = CURRENT_TIMESTAMP")

        self.run_python("-m", "django", *WORKER, db=self.db)
        self.assertEqual(self.task_rows(), [("RUNNING", None)])  # left alone

        # Recovery is up to you: here, set it back to READY.
        self.query("UPDATE django_tasks_database_dbtaskresult SET status = 'READY'")
        self.run_python("-m", "django", *WORKER, db=self.db)
        # It ran again, found the email sent, and returned False.
        self.assertEqual(self.task_rows(), [("SUCCESSFUL", "false")])

    def task_rows(self):
        return self.query(
            "SELECT status, return_value FROM django_tasks_database_dbtaskresult"
        )
