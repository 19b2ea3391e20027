"""The test databases: both migrated, with tags, and only for classes that name them."""

import unittest

from django.db import connections
from django.test import TestCase, TransactionTestCase

from ..models import Article
from ..signals import DEFAULT_TAGS
from .helpers import DATABASES, default_tags


class TestDatabaseTests(TestCase):
    databases = DATABASES

    def test_each_test_database_is_migrated_and_has_its_tags(self):
        for using in ("default", "other"):
            self.assertEqual(default_tags(using), sorted(DEFAULT_TAGS))

    def test_a_sqlite_test_database_is_in_memory(self):
        sqlite = [c for c in connections.all() if c.vendor == "sqlite"]
        self.assertTrue(sqlite)  # "other" is SQLite in the project and the box
        for connection in sqlite:
            self.assertTrue(connection.is_in_memory_db(), connection.alias)


class DatabasesAttributeTests(TransactionTestCase):
    # Not a TestCase: the inner TestCase closes every connection when it
    # ends, which on PostgreSQL would end the outer test's transaction.
    def test_a_test_case_that_does_not_name_other_may_not_query_it(self):
        class DefaultOnly(TestCase):
            def test_query(self):
                Article.objects.using("other").count()

        result = unittest.TestResult()
        unittest.TestSuite([DefaultOnly("test_query")]).run(result)

        [(_, error)] = result.failures
        self.assertIn("Database queries to 'other' are not allowed", error)
