"""post_save runs before a form saves the many-to-many data; m2m_changed after."""

from unittest import skipIf, skipUnless

import django
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_save
from django.test import TestCase
from django.urls import reverse

from .. import broken
from ..forms import TaskForm
from ..models import Notification, Task
from ..signals import notify_new_assignees
from .helpers import connected

User = get_user_model()


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
