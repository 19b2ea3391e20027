"""Jinja2 sends no template_rendered, so assertTemplateUsed cannot work with it."""

from importlib.util import find_spec
from pathlib import Path
from unittest import skipUnless

from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.test.signals import template_rendered
from django.urls import reverse

from ..debugging import recording
from ..models import Ticket
from .helpers import HAS_DEBUG_TOOLBAR, run_in_a_new_process

HAS_JINJA2 = find_spec("jinja2") is not None
JINJA2 = {"BACKEND": "django.template.backends.jinja2.Jinja2", "APP_DIRS": True}
DJANGO = {
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
}
TEMPLATE = "admin_signals/tickets.html"
JINJA2_DIR = Path(__file__).resolve().parent.parent / "jinja2"


RENDER_BOTH = """
import json, sys
import django
from django.conf import settings

jinja2_dir, template_name, *installed_apps = sys.argv[1:]
settings.configure(
    INSTALLED_APPS=installed_apps,
    STATIC_URL="static/",
    TEMPLATES=[
        {"BACKEND": "django.template.backends.jinja2.Jinja2", "DIRS": [jinja2_dir]},
        {"BACKEND": "django.template.backends.django.DjangoTemplates"},
    ],
)
django.setup()
from django.template import engines
from django.test.signals import template_rendered

sent = []

def record(sender, template, **kwargs):
    sent.append([type(sender).__module__, template.name])

template_rendered.connect(record)
jinja2_template = engines["jinja2"].get_template(template_name)
jinja2_template.render({"tickets": []})
engines["django"].from_string("Hello").render({})

from django.test import SimpleTestCase

try:
    with SimpleTestCase().assertTemplateUsed(template_name):
        jinja2_template.render({"tickets": []})
    template_used = True
except AssertionError:
    template_used = False
print(json.dumps({"sent": sent[:2], "assertTemplateUsed passes": template_used}))
"""


def templates_rendered_in_a_new_process(*installed_apps):
    """Render a Jinja2 and a Django template in a new Python process.

    Returns what template_rendered was sent for, as [module, name] pairs,
    and whether assertTemplateUsed() passes for the Jinja2 template.
    """
    return run_in_a_new_process(RENDER_BOTH, str(JINJA2_DIR), TEMPLATE, *installed_apps)


@skipUnless(HAS_JINJA2, "Jinja2 is not installed")
@override_settings(ROOT_URLCONF="admin_signals.tests.helpers")
class Jinja2Tests(TestCase):
    """Jinja2 sends no template_rendered, so assertTemplateUsed cannot work."""

    @classmethod
    def setUpTestData(cls):
        Ticket.objects.create(title="Printer")

    def get_open_tickets(self):
        return self.client.get(reverse("admin_signals:open_tickets"))

    @override_settings(TEMPLATES=[DJANGO])
    def test_with_django_templates_assert_template_used_works(self):
        with recording(template_rendered) as sends:
            response = self.get_open_tickets()

        self.assertContains(response, 'data-engine="django"')
        self.assertContains(response, "1. Printer")
        self.assertTemplateUsed(response, TEMPLATE)
        self.assertEqual(len(sends), 1)

    @override_settings(TEMPLATES=[JINJA2, DJANGO])
    def test_with_jinja2_no_template_rendered_is_sent(self):
        with recording(template_rendered) as sends:
            response = self.get_open_tickets()
            render_to_string(TEMPLATE, {"tickets": []})

        self.assertContains(response, 'data-engine="jinja2"')
        self.assertContains(response, "1. Printer")
        self.assertEqual(sends, [])
        self.assertEqual(response.templates, [])
        self.assertIsNone(response.context)

    @override_settings(TEMPLATES=[JINJA2, DJANGO])
    def test_with_jinja2_assert_template_used_fails(self):
        response = self.get_open_tickets()

        with self.assertRaisesMessage(
            AssertionError, "No templates used to render the response"
        ):
            self.assertTemplateUsed(response, TEMPLATE)
        # Worse: the negative assertion passes for the template that was used.
        self.assertTemplateNotUsed(response, TEMPLATE)
        # As a context manager, around any render, it fails as well.
        with self.assertRaises(AssertionError):  # noqa: SIM117
            with self.assertTemplateUsed(TEMPLATE):
                render_to_string(TEMPLATE, {"tickets": []})

    @skipUnless(HAS_DEBUG_TOOLBAR, "django-debug-toolbar is not installed")
    def test_once_the_debug_toolbar_is_installed_both_engines_send_it(self):
        # In a new process, outside any test: the patches the toolbar makes
        # would stay in this one for good.
        self.assertEqual(
            templates_rendered_in_a_new_process(),
            {"sent": [], "assertTemplateUsed passes": False},
        )
        self.assertEqual(
            templates_rendered_in_a_new_process("debug_toolbar"),
            {
                "sent": [
                    ["django.template.backends.jinja2", TEMPLATE],
                    ["django.template.base", None],  # a template from a string
                ],
                "assertTemplateUsed passes": True,
            },
        )

    @override_settings(TEMPLATES=[JINJA2, DJANGO])
    def test_a_template_response_keeps_its_name_and_context(self):
        response = self.get_open_tickets()

        self.assertEqual(response.template_name, TEMPLATE)
        self.assertQuerySetEqual(
            response.context_data["tickets"], ["Printer"], transform=str
        )
