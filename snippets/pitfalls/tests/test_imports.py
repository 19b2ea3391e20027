"""Receivers in a module nobody imports never connect; imported twice, twice."""

import importlib.util
import sys
from importlib import import_module
from pathlib import Path

from django.db.models.signals import post_save
from django.test import TestCase

from ..models import Document

TWICE_PY = Path(__file__).parents[1] / "twice.py"  # a path: importing would connect


# --8<-- [start:never_imported]
class NeverImportedTests(TestCase):
    name = "pitfalls.forgotten"

    def test_a_module_nothing_imports_connects_nothing(self):
        with self.assertNoLogs(self.name, "INFO"):
            Document.objects.create(title="Minutes")  # and no error either

    def test_importing_it_connects_its_receivers(self):
        # What `from . import forgotten` in ready() would do, undone afterwards.
        import_module(self.name)
        self.addCleanup(sys.modules.pop, self.name)
        self.addCleanup(
            post_save.disconnect, sender=Document, dispatch_uid=f"{self.name}.log_save"
        )

        with self.assertLogs(self.name, "INFO") as logs:
            document = Document.objects.create(title="Minutes")

        self.assertEqual(
            logs.output, [f"INFO:{self.name}:Saved document {document.pk}"]
        )


# --8<-- [end:never_imported]


# --8<-- [start:twice]
class DoubleImportTests(TestCase):
    def setUp(self):
        # One file run twice under two module names, as when both the project
        # folder and the app's parent folder are on sys.path.
        for name in ("pitfalls.twice", "pitfalls.twice_again"):
            spec = importlib.util.spec_from_file_location(name, TWICE_PY)
            copy = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(copy)
            self.addCleanup(post_save.disconnect, copy.log_without_uid, sender=Document)
        self.addCleanup(
            post_save.disconnect,
            sender=Document,
            dispatch_uid="pitfalls.twice.log_with_uid",
        )

    def save_and_log(self):
        with self.assertLogs("pitfalls", "INFO") as logs:
            Document.objects.create(title="Minutes")
        return [record.getMessage().split(":")[0] for record in logs.records]

    def test_without_dispatch_uid_the_receiver_runs_twice(self):
        self.assertEqual(self.save_and_log().count("without uid"), 2)

    def test_with_dispatch_uid_it_runs_once(self):
        self.assertEqual(self.save_and_log().count("with uid"), 1)


# --8<-- [end:twice]
