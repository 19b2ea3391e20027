from unittest import skipIf, skipUnless

import django
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_save
from django.forms import ModelForm
from django.test import TestCase, TransactionTestCase

from .models import MembershipEvent
from .signals import Membership

User = get_user_model()
JOINED, LEFT = MembershipEvent.Action.JOINED, MembershipEvent.Action.LEFT


class MembershipTestCase(TestCase):
    def setUp(self):
        self.ada = User.objects.create_user("ada")
        self.bob = User.objects.create_user("bob")
        self.editors = Group.objects.create(name="editors")
        self.admins = Group.objects.create(name="admins")

    def events(self, action=None):
        """This app's events as a set of (username, group name, action)."""
        events = MembershipEvent.objects.all()
        if action:
            events = events.filter(action=action)
        return set(events.values_list("user__username", "group__name", "action"))


class JoiningTests(MembershipTestCase):
    def test_adding_groups_to_a_user_records_one_event_per_group(self):
        self.ada.groups.add(self.editors, self.admins)

        self.assertEqual(
            self.events(),
            {("ada", "editors", JOINED), ("ada", "admins", JOINED)},
        )

    def test_adding_users_to_a_group_records_one_event_per_user(self):
        self.editors.user_set.add(self.ada, self.bob)

        self.assertEqual(
            self.events(),
            {("ada", "editors", JOINED), ("bob", "editors", JOINED)},
        )

    def test_adding_an_existing_member_again_records_nothing(self):
        self.ada.groups.add(self.editors)
        self.editors.user_set.add(self.ada)
        self.ada.groups.add(self.editors)

        self.assertEqual(MembershipEvent.objects.count(), 1)

    def test_each_change_is_logged(self):
        with self.assertLogs("group_tracking.signals", "INFO") as logs:
            self.ada.groups.add(self.editors)
            self.ada.groups.remove(self.editors)

        self.assertEqual(
            logs.output,
            [
                f"INFO:group_tracking.signals:User {self.ada.pk} joined group "
                f"{self.editors.pk}",
                f"INFO:group_tracking.signals:User {self.ada.pk} left group "
                f"{self.editors.pk}",
            ],
        )


class LeavingTests(MembershipTestCase):
    def setUp(self):
        super().setUp()
        self.ada.groups.add(self.editors, self.admins)
        self.bob.groups.add(self.editors)
        MembershipEvent.objects.all().delete()

    def test_removing_a_group_from_a_user(self):
        self.ada.groups.remove(self.editors)

        self.assertEqual(self.events(), {("ada", "editors", LEFT)})

    def test_removing_a_user_from_a_group(self):
        self.editors.user_set.remove(self.bob)

        self.assertEqual(self.events(), {("bob", "editors", LEFT)})

    def test_removing_a_non_member_records_nothing(self):
        # pk_set holds bob's pk although bob is not an admin.
        self.admins.user_set.remove(self.bob)
        self.bob.groups.remove(self.admins)

        self.assertEqual(self.events(), set())

    def test_clearing_a_users_groups(self):
        self.ada.groups.clear()

        self.assertEqual(
            self.events(), {("ada", "editors", LEFT), ("ada", "admins", LEFT)}
        )

    def test_clearing_a_groups_members(self):
        self.editors.user_set.clear()

        self.assertEqual(
            self.events(), {("ada", "editors", LEFT), ("bob", "editors", LEFT)}
        )

    def test_set_records_who_left_and_who_joined(self):
        self.bob.groups.set([self.admins])

        self.assertEqual(
            self.events(), {("bob", "editors", LEFT), ("bob", "admins", JOINED)}
        )

    def test_deleting_a_group_records_nobody_leaving(self):
        # The membership rows go in the delete cascade, not through
        # the related manager: nobody is recorded as leaving.
        self.editors.delete()

        self.assertEqual(self.events(LEFT), set())
        self.assertFalse(Membership.objects.filter(group__name="editors").exists())


class BypassTests(MembershipTestCase):
    def test_writing_the_through_model_directly_records_nothing(self):
        Membership.objects.create(user=self.ada, group=self.editors)
        Membership.objects.bulk_create([Membership(user=self.bob, group=self.editors)])

        self.assertEqual(self.editors.user_set.count(), 2)
        self.assertEqual(self.events(), set())

    def test_post_save_sees_the_old_groups_when_a_form_saves(self):
        class UserGroupsForm(ModelForm):
            class Meta:
                model = User
                fields = ("username", "groups")

        seen = []

        def spy(sender, instance, **kwargs):
            seen.append(list(instance.groups.values_list("name", flat=True)))

        post_save.connect(spy, sender=User)
        self.addCleanup(post_save.disconnect, spy, sender=User)
        form = UserGroupsForm(
            {"username": "ada", "groups": [self.editors.pk]}, instance=self.ada
        )
        form.save()

        self.assertEqual(seen, [[]])  # the form saves the groups after the user
        self.assertEqual(self.events(), {("ada", "editors", JOINED)})


class SignalArgumentsTests(MembershipTestCase):
    """What m2m_changed sends for each side and action."""

    def capture(self):
        calls = []

        def spy(sender, action, reverse, model, pk_set, **kwargs):
            calls.append((action, reverse, model, pk_set))

        m2m_changed.connect(spy, sender=Membership)
        self.addCleanup(m2m_changed.disconnect, spy, sender=Membership)
        return calls

    def test_forward_add_sends_group_pks(self):
        calls = self.capture()
        self.ada.groups.add(self.editors)

        expected = {self.editors.pk}
        self.assertEqual(
            calls,
            [("pre_add", False, Group, expected), ("post_add", False, Group, expected)],
        )

    def test_reverse_add_sends_user_pks(self):
        calls = self.capture()
        self.editors.user_set.add(self.bob)

        expected = {self.bob.pk}
        self.assertEqual(
            calls,
            [("pre_add", True, User, expected), ("post_add", True, User, expected)],
        )

    def test_add_leaves_existing_members_out_of_pk_set(self):
        self.ada.groups.add(self.editors)
        calls = self.capture()
        self.ada.groups.add(self.editors, self.admins)
        self.editors.user_set.add(self.ada, self.bob)

        self.assertEqual(calls[1], ("post_add", False, Group, {self.admins.pk}))
        self.assertEqual(calls[3], ("post_add", True, User, {self.bob.pk}))

    def test_remove_sends_every_pk_it_was_given(self):
        calls = self.capture()
        self.ada.groups.remove(self.admins)  # ada is not an admin

        self.assertEqual(calls[-1], ("post_remove", False, Group, {self.admins.pk}))

    def test_clear_sends_no_pk_set_from_either_side(self):
        self.ada.groups.add(self.editors)
        calls = self.capture()
        self.ada.groups.clear()
        self.editors.user_set.clear()

        self.assertEqual(
            calls,
            [
                ("pre_clear", False, Group, None),
                ("post_clear", False, Group, None),
                ("pre_clear", True, User, None),
                ("post_clear", True, User, None),
            ],
        )


class LoaddataTests(TestCase):
    @skipUnless(django.VERSION >= (6, 1), "m2m_changed gets raw only from Django 6.1")
    def test_loaddata_records_no_events(self):
        call_command("loaddata", "group_tracking_members.json", verbosity=0)

        self.assertTrue(Membership.objects.filter(user_id=71, group_id=71).exists())
        self.assertFalse(MembershipEvent.objects.exists())

    @skipIf(django.VERSION >= (6, 1), "Django 6.1 sends raw=True from loaddata")
    def test_before_django_6_1_loaddata_looks_like_a_join(self):
        call_command("loaddata", "group_tracking_members.json", verbosity=0)

        self.assertEqual(
            list(MembershipEvent.objects.values_list("user_id", "group_id", "action")),
            [(71, 71, JOINED)],
        )


class RollbackTests(TransactionTestCase):
    # A TransactionTestCase, so the remove runs in its own real transaction.

    def test_a_failed_remove_rolls_back_its_event(self):
        ada = User.objects.create_user("ada")
        editors = Group.objects.create(name="editors")
        ada.groups.add(editors)

        def refuse(sender, action, **kwargs):
            if action == "post_remove":
                raise RuntimeError("refused")

        m2m_changed.connect(refuse, sender=Membership)
        self.addCleanup(m2m_changed.disconnect, refuse, sender=Membership)

        with self.assertRaises(RuntimeError):
            ada.groups.remove(editors)

        self.assertTrue(ada.groups.filter(pk=editors.pk).exists())
        self.assertFalse(MembershipEvent.objects.filter(action=LEFT).exists())
