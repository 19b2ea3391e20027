"""Two database routers. The tests install them with override_settings.

A project installs one in its settings, for example:

    DATABASE_ROUTERS = ["multiple_databases.routers.OtherDatabaseRouter"]
"""

APP_LABEL = "multiple_databases"


# --8<-- [start:other]
class OtherDatabaseRouter:
    """Keep this app's tables, reads and writes in the "other" database."""

    def db_for_read(self, model, **hints):
        return "other" if model._meta.app_label == APP_LABEL else None

    def db_for_write(self, model, **hints):
        return "other" if model._meta.app_label == APP_LABEL else None

    def allow_migrate(self, db, app_label, **hints):
        return db == "other" if app_label == APP_LABEL else None


# --8<-- [end:other]


# --8<-- [start:replica]
class ReplicaRouter:
    """Write this app's rows to "default"; read them from "other", a replica."""

    def db_for_read(self, model, **hints):
        return "other" if model._meta.app_label == APP_LABEL else None

    def db_for_write(self, model, **hints):
        return "default" if model._meta.app_label == APP_LABEL else None


# --8<-- [end:replica]
