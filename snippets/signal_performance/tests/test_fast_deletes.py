"""A delete receiver makes Django load every row it deletes, cascades included."""

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..costly import log_document_deleted
from ..models import Document, Folder
from ..services import delete_documents
from ..signals import log_folder_deleted
from ..testing import connected
from .helpers import ignore


def query_kinds(action):
    """Run action(); return the kind of each SELECT and DELETE it made."""
    with CaptureQueriesContext(connection) as queries:
        action()
    kinds = [query["sql"].split()[0] for query in queries]
    return [kind for kind in kinds if kind in ("SELECT", "DELETE")]


class FastDeleteTests(TestCase):
    def setUp(self):
        self.folder = Folder.objects.create(name="Reports")
        for title in ("Q1", "Q2", "Q3"):
            Document.objects.create(folder=self.folder, title=title)
        self.documents = Document.objects.filter(folder=self.folder)

    def test_without_delete_receivers_a_queryset_delete_is_one_query(self):
        self.assertEqual(query_kinds(self.documents.delete), ["DELETE"])
        self.assertFalse(Document.objects.exists())

    def test_a_post_delete_receiver_loads_every_row_first(self):
        with (
            connected(post_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(self.documents.delete)

        self.assertEqual(kinds, ["SELECT", "DELETE"])
        self.assertEqual(len(logs.output), 3)  # one signal per document

    def test_a_pre_delete_receiver_does_the_same(self):
        with (
            connected(pre_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(self.documents.delete)

        self.assertEqual(kinds, ["SELECT", "DELETE"])
        self.assertEqual(len(logs.output), 3)

    def test_the_slow_path_deletes_the_loaded_rows_by_primary_key(self):
        ids = sorted(self.documents.values_list("pk", flat=True))

        with (
            connected(post_delete, ignore, sender=Document),
            CaptureQueriesContext(connection) as queries,
        ):
            self.documents.delete()

        [delete] = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
        _, _, in_list = delete.partition('."id" IN (')
        self.assertEqual(sorted(int(pk) for pk in in_list[:-1].split(", ")), ids)

    def test_the_collector_asks_the_delete_signals(self):
        collector = Collector(using="default")
        self.assertIs(collector.can_fast_delete(self.documents), True)

        with connected(post_delete, ignore, sender=Document):
            self.assertIs(post_delete.has_listeners(Document), True)
            self.assertIs(collector.can_fast_delete(self.documents), False)

    def test_rows_that_others_point_at_are_never_fast_deleted(self):
        uid = "signal_performance.folder_deleted"
        post_delete.disconnect(sender=Folder, dispatch_uid=uid)
        self.addCleanup(
            post_delete.connect, log_folder_deleted, sender=Folder, dispatch_uid=uid
        )
        self.assertIs(post_delete.has_listeners(Folder), False)

        # Document.folder is a CASCADE: Django must find the documents.
        collector = Collector(using="default")
        self.assertIs(collector.can_fast_delete(Folder.objects.all()), False)

    def test_a_cascade_deletes_documents_in_bulk_without_receivers(self):
        # log_folder_deleted listens for Folder: the documents stay in bulk.
        with self.assertLogs("signal_performance.signals", "INFO") as logs:
            kinds = query_kinds(self.folder.delete)

        self.assertEqual(kinds, ["DELETE", "DELETE"])
        self.assertEqual(
            logs.output, ["INFO:signal_performance.signals:Folder 'Reports' deleted"]
        )
        self.assertFalse(Document.objects.exists())

    def test_a_document_receiver_makes_the_cascade_load_them(self):
        with (
            connected(post_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(self.folder.delete)

        self.assertEqual(kinds, ["SELECT", "DELETE", "DELETE"])
        self.assertEqual(
            sorted(logs.output),
            [
                f"INFO:signal_performance.costly:Document {title!r} deleted"
                for title in ("Q1", "Q2", "Q3")
            ],
        )

    def test_deleting_one_object_costs_no_extra_query(self):
        document = self.documents.get(title="Q1")

        with (
            connected(post_delete, log_document_deleted, sender=Document),
            self.assertLogs("signal_performance.costly", "INFO") as logs,
        ):
            kinds = query_kinds(document.delete)

        self.assertEqual(kinds, ["DELETE"])
        self.assertEqual(len(logs.output), 1)

    def test_a_receiver_with_no_sender_slows_every_model(self):
        past = timezone.now() - timezone.timedelta(days=1)
        for key in ("a", "b", "c"):
            Session.objects.create(session_key=key, session_data="", expire_date=past)

        with connected(post_delete, ignore):
            self.assertIs(post_delete.has_listeners(Session), True)
            # What `manage.py clearsessions` runs.
            kinds = query_kinds(SessionStore.clear_expired)

        self.assertEqual(kinds, ["SELECT", "DELETE"])
        self.assertFalse(Session.objects.exists())

    def test_clearing_sessions_is_one_query_without_it(self):
        past = timezone.now() - timezone.timedelta(days=1)
        Session.objects.create(session_key="a", session_data="", expire_date=past)

        self.assertEqual(query_kinds(SessionStore.clear_expired), ["DELETE"])

    def test_m2m_changed_receivers_do_not_turn_off_fast_deletes(self):
        with connected(m2m_changed, ignore):
            self.assertEqual(query_kinds(self.documents.delete), ["DELETE"])

    def test_the_service_deletes_in_one_query_and_logs_once(self):
        with self.assertLogs("signal_performance.services", "INFO") as logs:
            kinds = query_kinds(lambda: delete_documents(self.documents))

        self.assertEqual(kinds, ["DELETE"])
        self.assertEqual(
            logs.output, ["INFO:signal_performance.services:Deleted 3 documents"]
        )

    def test_the_service_returns_the_number_of_documents(self):
        self.assertEqual(delete_documents(self.documents.filter(title="Q1")), 1)
        self.assertEqual(delete_documents(self.documents.none()), 0)
