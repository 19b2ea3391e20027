"""An abstract model is never a sender: its receivers never run."""

from decimal import Decimal

from django.apps import apps
from django.core.checks.model_checks import _check_lazy_references
from django.db.models.signals import post_save
from django.test import TestCase, override_settings
from django.test.utils import isolate_apps

from ..models import Audited, Document, Draft, Invoice, Memo
from .helpers import recorded


# --8<-- [start:abstract]
class AbstractSenderTests(TestCase):
    def test_an_abstract_model_cannot_be_instantiated(self):
        with self.assertRaisesMessage(TypeError, "Abstract models cannot be"):
            Audited()

    def test_the_abstract_class_as_sender_connects_but_never_runs(self):
        for debug in (False, True):  # DEBUG adds checks to connect()
            with self.subTest(DEBUG=debug):
                with (
                    override_settings(DEBUG=debug),
                    recorded(post_save, sender=Audited) as calls,
                ):
                    draft = Draft.objects.create(title="Plan")
                    Document.objects.create(title="Terms")
                    Invoice.objects.create(title="March", amount=Decimal("1"))
                    Memo.objects.create(draft=draft, body="Call")

                self.assertEqual(calls, [])

    def test_an_abstract_model_is_not_in_the_registry(self):
        with self.assertRaises(LookupError):
            apps.get_model("inherited_senders", "Audited")
        self.assertNotIn(Audited, apps.get_models())

    @isolate_apps("inherited_senders")  # a registry of its own: no leftovers
    def test_a_string_sender_for_it_never_resolves_and_fails_the_check(self):
        registry = Document._meta.default_apps  # the isolated one, here
        calls = []

        def on_save(sender, **kwargs):
            calls.append(sender)

        post_save.connect(on_save, sender="inherited_senders.Audited", weak=False)
        Document.objects.create(title="Terms")

        self.assertEqual(calls, [])
        # What `manage.py check` runs for this registry:
        errors = _check_lazy_references(registry)
        self.assertEqual([e.id for e in errors], ["signals.E001"])
        self.assertIn(
            "lazy reference to the sender 'inherited_senders.audited', but app "
            "'inherited_senders' doesn't provide model 'audited'",
            errors[0].msg,
        )


# --8<-- [end:abstract]
