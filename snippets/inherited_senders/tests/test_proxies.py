"""A proxy model sends as itself: a receiver for its concrete model never hears it."""

from django.db.models.signals import post_delete, post_save
from django.test import TestCase, override_settings

from ..models import Document, Draft, UrgentDraft
from .helpers import audited, recorded, senders


# --8<-- [start:proxy]
class ProxySenderTests(TestCase):
    def test_a_proxy_save_is_sent_with_the_proxy_as_sender(self):
        with (
            recorded(post_save, sender=Document) as for_document,
            recorded(post_save) as for_anyone,
        ):
            Draft.objects.create(title="Plan")

        self.assertEqual(for_document, [])
        self.assertEqual(senders(for_anyone), [Draft])

    def test_a_proxy_of_a_proxy_is_its_own_sender(self):
        with (
            recorded(post_save, sender=Document) as for_document,
            recorded(post_save, sender=Draft) as for_draft,
            recorded(post_save) as for_anyone,
        ):
            UrgentDraft.objects.create(title="Fix the roof")

        self.assertEqual(for_document + for_draft, [])
        self.assertEqual(senders(for_anyone), [UrgentDraft])

    def test_a_proxy_delete_is_sent_with_the_proxy_as_sender(self):
        draft = Draft.objects.create(title="Plan")

        with (
            recorded(post_delete, sender=Document) as for_document,
            recorded(post_delete) as for_anyone,
        ):
            draft.delete()

        self.assertEqual(for_document, [])
        self.assertEqual(senders(for_anyone), [Draft])
        self.assertFalse(Document.objects.exists())  # one table, one row gone

    # --8<-- [end:proxy]

    def test_the_sender_is_the_class_the_row_was_loaded_through(self):
        draft = Draft.objects.create(title="Plan")

        with recorded(post_save) as calls:
            Document.objects.get(pk=draft.pk).save()
            UrgentDraft.objects.get(pk=draft.pk).save()

        self.assertEqual(senders(calls), [Document, UrgentDraft])

    def test_an_only_row_of_a_proxy_keeps_the_proxy_class(self):
        Draft.objects.create(title="Plan", summary="Roof, walls")
        draft = Draft.objects.only("title").get()

        with recorded(post_save) as calls:
            draft.save()

        self.assertIs(type(draft), Draft)
        self.assertEqual(senders(calls), [Draft])
        self.assertEqual(audited(calls)[0]["update_fields"], frozenset({"title"}))

    def test_deleting_an_only_row_of_a_proxy_sends_for_the_proxy(self):
        UrgentDraft.objects.create(title="Fix the roof", summary="Today")

        with recorded(post_delete) as calls:
            UrgentDraft.objects.only("title").get().delete()

        self.assertEqual(senders(calls), [UrgentDraft])

    def test_debug_makes_no_difference(self):
        for debug in (False, True):
            with (
                self.subTest(DEBUG=debug),
                override_settings(DEBUG=debug),
                recorded(post_save, sender=Document) as for_document,
            ):
                UrgentDraft.objects.create(title="Fix the roof")
                self.assertEqual(for_document, [])
