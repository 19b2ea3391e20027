import gc
import importlib.util
import shutil
import sys
import tempfile
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from unittest import mock, skipIf, skipUnless

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from factory.django import mute_signals

from . import broken, counting
from .forms import TaskForm
from .models import (
    Attachment,
    AuditEntry,
    Comment,
    Document,
    Invoice,
    Notification,
    Post,
    Task,
)
from .services import archive_documents
from .signals import (
    delete_attachment_file,
    email_new_invoice,
    notify_new_assignees,
    number_new_invoice,
)

User = get_user_model()
TWICE_PY = Path(__file__).with_name("twice.py")  # a path: importing would connect


# --8<-- [start:connected]
@contextmanager
def connected(signal, receiver, sender):
    """Connect one of the broken receivers for the block only."""
    signal.connect(receiver, sender=sender)
    try:
        yield
    finally:
        signal.disconnect(receiver, sender=sender)


# --8<-- [end:connected]


def subjects_to(address):
    """Subjects of the test mail sent to one address (other apps send mail too)."""
    return [m.subject for m in mail.outbox if address in m.to]


class Rollback(Exception):
    """Raised to roll a transaction back on purpose."""


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


# --8<-- [start:before_commit]
class SideEffectsBeforeCommitTests(TestCase):
    def create_invoice_and_roll_back(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    Invoice.objects.create(customer_email="ada@example.com")
                    raise Rollback  # say a later step of the checkout failed
            except Rollback:
                pass
        self.assertFalse(Invoice.objects.exists())
        return callbacks

    def test_mail_sent_in_the_receiver_survives_the_rollback(self):
        with connected(post_save, broken.email_new_invoice_now, Invoice):
            self.create_invoice_and_roll_back()

        self.assertEqual(len(subjects_to("ada@example.com")), 1)  # for no invoice

    def test_on_commit_drops_the_mail_with_the_rollback(self):
        callbacks = self.create_invoice_and_roll_back()

        self.assertEqual(callbacks, [])
        self.assertEqual(subjects_to("ada@example.com"), [])

    def test_on_commit_sends_it_once_committed(self):
        with (
            self.assertLogs("pitfalls.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            invoice = Invoice.objects.create(customer_email="ada@example.com")
            self.assertEqual(subjects_to("ada@example.com"), [])  # not yet

        self.assertEqual(subjects_to("ada@example.com"), [f"Invoice {invoice.number}"])
        self.assertEqual(
            logs.output, [f"INFO:pitfalls.signals:Emailed invoice {invoice.number}"]
        )


# --8<-- [end:before_commit]


# --8<-- [start:loaddata]
class LoaddataRawTests(TestCase):
    fixture = "pitfalls_comments.json"  # lists the comment before its post

    def test_a_receiver_that_ignores_raw_breaks_loaddata(self):
        with (
            connected(pre_save, broken.copy_post_title_ignoring_raw, Comment),
            self.assertRaises(Post.DoesNotExist),
        ):
            call_command("loaddata", self.fixture, verbosity=0)

        self.assertFalse(Comment.objects.exists())  # nothing was loaded

    def test_skipping_raw_saves_lets_the_fixture_load(self):
        call_command("loaddata", self.fixture, verbosity=0)

        comment = Comment.objects.get(pk=32)
        self.assertEqual(comment.post_title, "Signals in production")

    def test_an_ordinary_save_copies_the_title(self):
        post = Post.objects.create(title="Receivers")

        comment = Comment.objects.create(post=post, body="Nice.")

        self.assertEqual(comment.post_title, "Receivers")

    def test_restored_rows_keep_what_the_fixture_says(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            call_command("loaddata", "pitfalls_restore.json", verbosity=0)

        self.assertEqual(AuditEntry.objects.filter(document_id=21).count(), 1)
        self.assertEqual(Invoice.objects.get(pk=7).number, "2019-0042")
        self.assertEqual(callbacks, [])  # no invoice email either


# --8<-- [end:loaddata]


# --8<-- [start:m2m]
class ManyToManyInPostSaveTests(TestCase):
    def setUp(self):
        self.ada = User.objects.create_user("ada")
        self.bob = User.objects.create_user("bob")
        self.data = {"title": "Ship it", "assignees": [self.ada.pk, self.bob.pk]}

    def notified(self, task):
        return sorted(
            Notification.objects.filter(task=task).values_list(
                "user__username", flat=True
            )
        )

    def only_the_broken_receiver(self):
        """Mute the m2m_changed fix, connect the post_save mistake."""
        uid = "pitfalls.notify_new_assignees"
        if not m2m_changed.disconnect(sender=Task.assignees.through, dispatch_uid=uid):
            # Else the cleanup would connect it, and hide that it was not.
            raise LookupError(f"{uid} is not connected: nothing to mute")
        self.addCleanup(
            m2m_changed.connect,
            notify_new_assignees,
            sender=Task.assignees.through,
            dispatch_uid=uid,
        )
        return connected(post_save, broken.notify_assignees_on_save, Task)

    def add_in_the_admin(self):
        self.client.force_login(User.objects.create_superuser("root"))
        response = self.client.post(reverse("admin:pitfalls_task_add"), self.data)
        self.assertEqual(response.status_code, 302)
        return Task.objects.get(title="Ship it")

    def test_post_save_runs_before_the_form_saves_the_assignees(self):
        with self.only_the_broken_receiver():
            task = TaskForm(data=self.data).save()

        self.assertEqual(self.notified(task), [])  # post_save saw no one
        self.assertEqual(task.assignees.count(), 2)  # form.save() added them after

    def test_a_later_save_of_the_task_notifies_no_one_either(self):
        with self.only_the_broken_receiver():
            task = TaskForm(data=self.data).save()
            task.save()  # the assignees are there now, but created is False

        self.assertEqual(self.notified(task), [])

    def test_sent_once_the_assignees_are_saved_it_would_notify(self):
        # The receiver is right about what to do, wrong about when it runs.
        with self.only_the_broken_receiver():
            task = TaskForm(data=self.data).save()
            post_save.send(sender=Task, instance=task, created=True)

        self.assertEqual(self.notified(task), ["ada", "bob"])

    def test_the_admin_saves_them_after_post_save_too(self):
        with self.only_the_broken_receiver():
            task = self.add_in_the_admin()

        self.assertEqual(self.notified(task), [])
        self.assertEqual(task.assignees.count(), 2)

    def test_commit_false_leaves_the_assignees_to_save_m2m(self):
        form = TaskForm(data=self.data)
        task = form.save(commit=False)
        task.save()  # post_save runs here
        self.assertEqual(task.assignees.count(), 0)

        form.save_m2m()

        self.assertEqual(task.assignees.count(), 2)

    def test_m2m_changed_notifies_each_assignee(self):
        task = TaskForm(data=self.data).save()

        self.assertEqual(self.notified(task), ["ada", "bob"])

    def test_m2m_changed_notifies_assignees_added_in_the_admin(self):
        task = self.add_in_the_admin()

        self.assertEqual(self.notified(task), ["ada", "bob"])

    def test_adding_from_the_user_side_notifies_too(self):
        task = Task.objects.create(title="Ship it")

        self.ada.assigned_tasks.add(task)

        self.assertEqual(self.notified(task), ["ada"])

    def test_adding_someone_already_assigned_notifies_no_one(self):
        task = Task.objects.create(title="Ship it")
        task.assignees.add(self.ada)

        task.assignees.add(self.ada, self.bob)

        self.assertEqual(self.notified(task), ["ada", "bob"])

    def test_removing_an_assignee_notifies_no_one(self):
        task = Task.objects.create(title="Ship it")
        task.assignees.add(self.ada, self.bob)

        task.assignees.remove(self.ada)
        self.bob.assigned_tasks.remove(task)

        self.assertEqual(self.notified(task), ["ada", "bob"])  # from the add only

    def test_a_send_without_raw_counts_as_not_raw(self):
        # What Django before 6.1 sends: no raw argument at all.
        task = Task.objects.create(title="Ship it")

        m2m_changed.send(
            sender=Task.assignees.through,
            instance=task,
            action="post_add",
            reverse=False,
            model=User,
            pk_set={self.ada.pk},
            using="default",
        )

        self.assertEqual(self.notified(task), ["ada"])

    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_loaddata_restores_assignments_without_notifying(self):
        call_command("loaddata", "pitfalls_tasks.json", verbosity=0)

        task = Task.objects.get(pk=51)
        self.assertEqual(list(task.assignees.all()), [self.ada])
        self.assertEqual(self.notified(task), [])

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 sends raw=True with m2m_changed")
    def test_before_django_6_1_loaddata_notifies(self):
        call_command("loaddata", "pitfalls_tasks.json", verbosity=0)

        self.assertEqual(self.notified(Task.objects.get(pk=51)), ["ada"])


# --8<-- [end:m2m]


# --8<-- [start:recursion]
def number_invoice_guarded(sender, instance, created, update_fields, **kwargs):
    """Another fix: save only the number, and ignore that save when it comes."""
    if update_fields == {"number"}:
        return  # the save below: stop here
    instance.number = f"INV-{instance.pk:05d}"
    instance.save(update_fields=["number"])


class RecursionTests(TestCase):
    def test_save_in_post_save_recurses_until_python_gives_up(self):
        with (
            connected(post_save, broken.number_invoice_with_save, Invoice),
            self.assertRaises(RecursionError),
        ):
            Invoice.objects.create(customer_email="ada@example.com")

    def test_update_numbers_the_invoice_without_another_post_save(self):
        saves = []

        def count(sender, **kwargs):
            saves.append(sender)

        post_save.connect(count, sender=Invoice, weak=False)
        self.addCleanup(post_save.disconnect, count, sender=Invoice)

        invoice = Invoice.objects.create(customer_email="ada@example.com")

        self.assertEqual(invoice.number, f"INV-{invoice.pk:05d}")
        self.assertEqual(Invoice.objects.get().number, invoice.number)
        self.assertEqual(saves, [Invoice])  # one post_save in all

    def test_later_saves_keep_the_number(self):
        invoice = Invoice.objects.create(customer_email="ada@example.com")
        number = invoice.number

        invoice.customer_email = "ada@example.org"
        invoice.save()

        self.assertEqual(Invoice.objects.get().number, number)

    def test_an_update_fields_guard_also_stops_the_recursion(self):
        uid = "pitfalls.number_new_invoice"
        self.assertTrue(post_save.disconnect(sender=Invoice, dispatch_uid=uid))
        self.addCleanup(
            post_save.connect,
            number_new_invoice,
            sender=Invoice,
            dispatch_uid=uid,
        )

        with connected(post_save, number_invoice_guarded, Invoice):
            invoice = Invoice.objects.create(customer_email="ada@example.com")

        self.assertEqual(Invoice.objects.get().number, f"INV-{invoice.pk:05d}")


# --8<-- [end:recursion]


# --8<-- [start:post_delete]
class SaveInPostDeleteTests(TestCase):
    def setUp(self):
        media_root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media_root)
        settings_override = override_settings(MEDIA_ROOT=media_root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

        self.attachment = Attachment.objects.create(
            file=ContentFile(b"minutes", name="minutes.txt")
        )
        self.pk = self.attachment.pk
        self.path = Path(self.attachment.file.path)

    def test_file_delete_with_its_default_save_brings_the_row_back(self):
        with connected(post_delete, broken.delete_attachment_file_and_save, Attachment):
            self.attachment.delete()

        resurrected = Attachment.objects.get(pk=self.pk)  # the row is back
        self.assertEqual(resurrected.file.name, "")  # pointing at no file
        self.assertFalse(self.path.exists())

    def test_save_true_after_the_commit_inserts_a_new_row(self):
        uid = "pitfalls.delete_attachment"
        self.assertTrue(post_delete.disconnect(sender=Attachment, dispatch_uid=uid))
        self.addCleanup(
            post_delete.connect,
            delete_attachment_file,
            sender=Attachment,
            dispatch_uid=uid,
        )
        late = broken.delete_attachment_file_later_and_save

        with (
            connected(post_delete, late, Attachment),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.attachment.delete()

        [row] = Attachment.objects.all()  # a new row, under a new pk
        self.assertNotEqual(row.pk, self.pk)
        self.assertEqual(row.file.name, "")

    def test_the_fix_deletes_the_file_after_commit_and_the_row_stays_gone(self):
        with (
            self.assertLogs("pitfalls.signals", "INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.attachment.delete()
            self.assertTrue(self.path.exists())  # not committed yet

        self.assertFalse(self.path.exists())
        self.assertFalse(Attachment.objects.exists())  # under no pk at all
        self.assertEqual(
            logs.output,
            ["INFO:pitfalls.signals:Deleted attachment file pitfalls/minutes.txt"],
        )

    def test_a_delete_that_rolls_back_keeps_the_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    self.attachment.delete()
                    raise Rollback
            except Rollback:
                pass

        self.assertTrue(Attachment.objects.filter(pk=self.pk).exists())
        self.assertTrue(self.path.exists())


# --8<-- [end:post_delete]


# --8<-- [start:weak]
class WeakReceiverTests(SimpleTestCase):
    def test_tests_run_with_debug_off(self):
        self.assertIs(settings.DEBUG, False)  # whatever the settings file says

    def send_after_collection(self, signal):
        gc.collect()  # CPython frees it at once anyway; this makes sure
        signal.send(sender=Document)

    @override_settings(DEBUG=False)
    def test_with_debug_off_the_local_receiver_is_collected(self):
        signal = Signal()
        sends = broken.start_counting(signal)

        self.send_after_collection(signal)

        self.assertEqual(sends, [])  # it stopped counting, silently

    @override_settings(DEBUG=True)
    def test_with_debug_on_the_same_code_seems_to_work(self):
        signal = Signal()
        sends = broken.start_counting(signal)

        self.send_after_collection(signal)

        self.assertEqual(sends, [Document])

    @override_settings(DEBUG=False)
    def test_weak_false_keeps_it_until_stop(self):
        signal = Signal()
        sends, stop = counting.start_counting(signal)

        self.send_after_collection(signal)
        stop()
        self.send_after_collection(signal)

        self.assertEqual(sends, [Document])

    @override_settings(DEBUG=False)
    def test_weak_false_keeps_counting_if_stop_is_thrown_away(self):
        signal = Signal()
        sends = counting.start_counting(signal)[0]  # stop() is lost: a leak

        self.send_after_collection(signal)

        self.assertEqual(sends, [Document])


# --8<-- [end:weak]


# --8<-- [start:muting]
def crash(sender, **kwargs):
    """A receiver with a bug, standing for one in any app of the project."""
    raise RuntimeError("bug in a receiver")


class MutingInTestsTests(TestCase):
    def setUp(self):
        post_save.connect(crash, sender=Invoice, dispatch_uid="pitfalls.crash")
        self.addCleanup(
            post_save.disconnect, sender=Invoice, dispatch_uid="pitfalls.crash"
        )

    def test_muting_a_whole_signal_hides_the_bug(self):
        with mute_signals(post_save):
            invoice = Invoice.objects.create(customer_email="ada@example.com")

        # Green, yet production crashes; and invoices here get no number.
        self.assertEqual(invoice.number, "")

    def test_muting_one_receiver_lets_the_bug_show(self):
        post_save.disconnect(sender=Invoice, dispatch_uid="pitfalls.email_new_invoice")
        self.addCleanup(
            post_save.connect,
            email_new_invoice,
            sender=Invoice,
            dispatch_uid="pitfalls.email_new_invoice",
        )

        with self.assertRaisesMessage(RuntimeError, "bug in a receiver"):
            Invoice.objects.create(customer_email="ada@example.com")


class MutingOneReceiverTests(TestCase):
    def test_muting_only_the_email_keeps_the_number(self):
        post_save.disconnect(sender=Invoice, dispatch_uid="pitfalls.email_new_invoice")
        self.addCleanup(
            post_save.connect,
            email_new_invoice,
            sender=Invoice,
            dispatch_uid="pitfalls.email_new_invoice",
        )

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            invoice = Invoice.objects.create(customer_email="ada@example.com")

        self.assertEqual(invoice.number, f"INV-{invoice.pk:05d}")
        self.assertEqual(callbacks, [])


# --8<-- [end:muting]


class ModelStrTests(SimpleTestCase):
    def test_an_invoice_shows_its_number(self):
        self.assertEqual(str(Invoice(number="INV-00007")), "INV-00007")

    def test_an_invoice_without_a_number_says_so(self):
        self.assertEqual(str(Invoice()), "(unnumbered invoice)")

    def test_a_comment_shows_its_post_and_the_first_30_characters(self):
        comment = Comment(post_title="Receivers", body="0123456789" * 4)

        self.assertEqual(str(comment), "On Receivers: " + "0123456789" * 3)
