"""The tests of multiple_databases: signals and receivers with two databases."""
