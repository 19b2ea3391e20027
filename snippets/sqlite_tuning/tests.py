from unittest import mock

from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.test import TestCase

from . import signals


def pragma(wrapper, name):
    with wrapper.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


class SqliteTuningTests(TestCase):
    def open_new_connection(self, **options):
        """Open a second connection to the test database, with extra OPTIONS."""
        wrapper = connections.create_connection("default")
        merged = {**wrapper.settings_dict["OPTIONS"], **options}
        wrapper.settings_dict = {**wrapper.settings_dict, "OPTIONS": merged}
        self.addCleanup(wrapper.close)
        wrapper.ensure_connection()
        return wrapper

    def setUp(self):
        if connection.vendor != "sqlite":
            self.skipTest("these tests open SQLite connections")

    def test_connection_created_sends_the_wrapper_class_and_the_wrapper(self):
        calls = []

        def record(**kwargs):
            calls.append(kwargs)

        connection_created.connect(record)
        try:
            wrapper = self.open_new_connection()
        finally:
            connection_created.disconnect(record)

        [call] = calls
        self.assertIs(call["sender"], type(wrapper))
        self.assertEqual(call["sender"].__module__, "django.db.backends.sqlite3.base")
        self.assertIs(call["connection"], wrapper)

    def test_a_new_connection_gets_the_pragmas(self):
        wrapper = self.open_new_connection()

        self.assertEqual(pragma(wrapper, "temp_store"), 2)  # 2 means MEMORY
        self.assertEqual(pragma(wrapper, "busy_timeout"), 10000)

    def test_the_receiver_runs_after_djangos_own_init_command(self):
        wrapper = self.open_new_connection(
            init_command="PRAGMA temp_store = FILE; PRAGMA recursive_triggers = ON"
        )

        self.assertEqual(pragma(wrapper, "recursive_triggers"), 1)  # it ran
        self.assertEqual(pragma(wrapper, "temp_store"), 2)  # then the receiver did

    def test_without_the_receiver_a_connection_has_sqlite_defaults(self):
        connection_created.disconnect(dispatch_uid="sqlite_tuning.tune_sqlite")
        try:
            wrapper = self.open_new_connection()
        finally:
            connection_created.connect(
                signals.tune_sqlite, dispatch_uid="sqlite_tuning.tune_sqlite"
            )

        self.assertEqual(pragma(wrapper, "temp_store"), 0)  # 0 means DEFAULT
        self.assertNotEqual(pragma(wrapper, "busy_timeout"), 10000)


class OtherDatabaseTests(TestCase):
    def test_other_databases_are_left_alone(self):
        class PostgresConnection:
            vendor = "postgresql"

            def cursor(self):
                raise AssertionError("the receiver must not run SQL here")

        signals.tune_sqlite(sender=None, connection=PostgresConnection())

    def test_every_vendor_but_sqlite_is_left_alone(self):
        # Third-party backends name their own vendor; it may sort either side
        # of "sqlite", so the check has to be equality.
        for vendor in ("mysql", "oracle", "postgresql", "vertica"):
            with self.subTest(vendor=vendor):
                connection = mock.MagicMock(vendor=vendor)

                signals.tune_sqlite(sender=None, connection=connection)

                connection.cursor.assert_not_called()
