"""on_delete=DB_CASCADE (Django 6.1): rows the database deletes get no signals."""

from unittest import skipUnless

import django
from django.db import connection, models
from django.db.models.signals import post_delete, pre_delete
from django.test import TransactionTestCase
from django.test.utils import isolate_apps


@skipUnless(django.VERSION >= (6, 1), "on_delete=DB_CASCADE is new in Django 6.1")
class DatabaseCascadeTests(TransactionTestCase):
    """A cascade the database runs itself sends no signals for the rows it removes."""

    def test_db_cascade_sends_delete_signals_for_the_deleted_object_only(self):
        # --8<-- [start:db_cascade]
        with isolate_apps("courses"):

            class Shelf(models.Model):
                def __str__(self):
                    return f"shelf {self.pk}"

            class Volume(models.Model):
                shelf = models.ForeignKey(Shelf, on_delete=models.DB_CASCADE)

                def __str__(self):
                    return f"volume {self.pk}"

            with connection.schema_editor() as editor:
                editor.create_model(Shelf)
                editor.create_model(Volume)
            try:
                shelf = Shelf.objects.create()
                Volume.objects.create(shelf=shelf)
                senders = []

                def record(sender, **kwargs):
                    senders.append((kwargs["signal"], sender))

                for signal in (pre_delete, post_delete):
                    signal.connect(record)
                try:
                    shelf.delete()
                finally:
                    for signal in (pre_delete, post_delete):
                        signal.disconnect(record)

                # The database deleted the volume: no Python code saw it go.
                self.assertFalse(Volume.objects.exists())
                self.assertEqual(senders, [(pre_delete, Shelf), (post_delete, Shelf)])
            finally:
                with connection.schema_editor() as editor:
                    editor.delete_model(Volume)
                    editor.delete_model(Shelf)
        # --8<-- [end:db_cascade]
