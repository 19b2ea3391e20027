"""What a page's Run buttons run in Pyodide: a demo, or an app's own tests.

browser_runtime/loader.mjs calls start() once per Python (one per app), then
run_demo() or run_tests() for each click. Each returns JSON for the page.
"""

import io
import json
import linecache
import os
import sqlite3
import sys
import traceback
import unittest

SNIPPETS = "/home/pyodide/snippets"
_templates: dict[str, sqlite3.Connection] = {}


def start(settings_code: str) -> None:
    """Set Django up with the app's settings and migrate, once."""
    # Pyodide runs everything inside a running asyncio event loop (the
    # browser's), so Django takes every ORM call for one made from async code
    # and raises SynchronousOnlyOperation. Here there is one thread and no
    # other code on that loop: the check guards against nothing.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    os.environ["DJANGO_SETTINGS_MODULE"] = "page_project.settings"
    os.environ["PAGE_PROJECT_SETTINGS"] = settings_code
    if SNIPPETS not in sys.path:
        sys.path.insert(0, SNIPPETS)

    import django
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import setup_test_environment

    django.setup()
    # As under pytest-django, where the pages' `#>` lines were recorded:
    # outgoing mail kept in django.core.mail.outbox, DEBUG off.
    setup_test_environment(debug=False)
    for alias in connections:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        template = sqlite3.connect(":memory:")
        connections[alias].ensure_connection()
        connections[alias].connection.backup(template)
        _templates[alias] = template


def fresh_state() -> None:
    """Every database as just migrated, caches and the mail outbox empty."""
    from django.core import mail
    from django.core.cache import caches
    from django.db import connections

    for alias, template in _templates.items():
        connections[alias].ensure_connection()
        template.backup(connections[alias].connection)
    for cache in caches.all(initialized_only=True):
        cache.clear()
    mail.outbox = []


def run_demo(code: str, filename: str) -> str:
    """Run a demo as a script, on a fresh database."""
    fresh_state()
    # So that a traceback shows the lines of the code as the reader edited it.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        exec(compile(code, filename, "exec"), {"__name__": "__main__"})
    except BaseException:  # SystemExit and KeyboardInterrupt too: show them
        return json.dumps({"ok": False, "error": _traceback(filename)})
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return json.dumps({"ok": True})


def _traceback(filename: str) -> str:
    """The traceback from the reader's code on: not this module's frame."""
    kind, error, tb = sys.exc_info()
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(kind, error, tb or error.__traceback__))


class _Recorded(unittest.TextTestResult):
    """Keeps every test's outcome, in order, for the page's list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = []

    def _add(self, test, outcome, detail=""):
        self.outcomes.append(
            {"test": test.id(), "outcome": outcome, "detail": detail.rstrip()}
        )

    def addSuccess(self, test):
        super().addSuccess(test)
        self._add(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._add(test, "failed", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._add(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._add(test, "skipped", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._add(test, "passed", "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._add(test, "failed", "unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._add(
                subtest,
                "failed" if failed else "error",
                self._exc_info_to_string(err, test),
            )


def run_tests(label: str) -> str:
    """The app's tests, through Django's test runner, as `manage.py test label`."""
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment, teardown_test_environment

    class Runner(DiscoverRunner):
        def get_resultclass(self):
            return _Recorded

        def get_test_runner_kwargs(self):
            # The page lists each test's outcome: unittest's report goes nowhere.
            return {**super().get_test_runner_kwargs(), "stream": io.StringIO()}

        def run_suite(self, suite, **kwargs):
            self.result = super().run_suite(suite, **kwargs)
            return self.result

    fresh_state()
    runner = Runner(verbosity=0, interactive=False)
    teardown_test_environment()  # the runner sets it up and tears it down itself
    try:
        runner.run_tests([label])
    except BaseException:
        return json.dumps({"ok": False, "error": traceback.format_exc()})
    finally:
        setup_test_environment(debug=False)
    result = runner.result
    return json.dumps(
        {
            "ok": result.wasSuccessful(),
            "tests": result.outcomes,
            "summary": f"{result.testsRun} tests, {len(result.failures)} failed, "
            f"{len(result.errors)} errors, {len(result.skipped)} skipped",
        }
    )
