from django.db.backends.signals import connection_created
from django.dispatch import receiver

# Per-connection settings: SQLite forgets them when a connection closes.
PRAGMAS = [
    "PRAGMA temp_store = MEMORY",  # temporary tables and indexes in RAM
    "PRAGMA busy_timeout = 10000",  # wait up to 10 s for another writer
]


@receiver(connection_created, dispatch_uid="sqlite_tuning.tune_sqlite")
def tune_sqlite(sender, connection, **kwargs):
    """Apply the pragmas to every new SQLite connection, and only SQLite's."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
