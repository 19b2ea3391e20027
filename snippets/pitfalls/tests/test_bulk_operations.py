"""update() and the bulk methods send no save signals, so the audit misses them."""

from unittest import mock

from django.db import DatabaseError
from django.test import TestCase

from ..models import AuditEntry, Document
from ..services import archive_documents


# --8<-- [start:bulk]
class BulkOperationsTests(TestCase):
    def actions(self, document):
        return list(
            AuditEntry.objects.filter(document=document)
            .order_by("pk")
            .values_list("action", flat=True)
        )

    def test_save_writes_an_audit_entry(self):
        document = Document.objects.create(title="Minutes")
        document.title = "Minutes, corrected"
        document.save()

        self.assertEqual(self.actions(document), ["created", "updated"])

    def test_update_bulk_create_and_bulk_update_write_none(self):
        document = Document.objects.create(title="Minutes")  # audited: created

        Document.objects.filter(pk=document.pk).update(archived=True)
        document.title = "Renamed"
        Document.objects.bulk_update([document], ["title"])
        [other] = Document.objects.bulk_create([Document(title="Agenda")])

        self.assertEqual(self.actions(document), ["created"])
        self.assertEqual(self.actions(other), [])

    def test_archive_documents_audits_what_it_changes(self):
        minutes = Document.objects.create(title="Minutes")
        agenda = Document.objects.create(title="Agenda")

        with self.assertLogs("pitfalls.services", "INFO") as logs:
            count = archive_documents(Document.objects.all())

        self.assertEqual(count, 2)
        self.assertEqual(self.actions(minutes), ["created", "archived"])
        self.assertEqual(self.actions(agenda), ["created", "archived"])
        self.assertEqual(Document.objects.filter(archived=True).count(), 2)
        self.assertEqual(logs.output, ["INFO:pitfalls.services:Archived 2 documents"])

    def test_archiving_again_audits_nothing(self):
        minutes = Document.objects.create(title="Minutes")
        archive_documents(Document.objects.all())

        self.assertEqual(archive_documents(Document.objects.all()), 0)
        self.assertEqual(self.actions(minutes), ["created", "archived"])

    def test_archive_documents_archives_nothing_if_the_audit_fails(self):
        minutes = Document.objects.create(title="Minutes")

        with (
            mock.patch.object(
                AuditEntry.objects, "bulk_create", side_effect=DatabaseError
            ),
            self.assertRaises(DatabaseError),
        ):
            archive_documents(Document.objects.all())

        minutes.refresh_from_db()
        self.assertIs(minutes.archived, False)  # the update was rolled back


# --8<-- [end:bulk]
