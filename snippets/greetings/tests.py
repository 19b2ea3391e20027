import subprocess
import sys
from unittest import mock

from django.template import Template
from django.test import SimpleTestCase, override_settings
from django.test.signals import template_rendered
from django.test.utils import instrumented_test_render
from django.urls import include, path

from .services import greeting_html


def names(templates):
    return [template.name for template in templates]


# The URLs the tests request, whatever the project's URLconf holds.
urlpatterns = [path("greetings/", include("greetings.urls"))]


@override_settings(ROOT_URLCONF=__name__)
class TemplateRenderedTests(SimpleTestCase):
    def record_templates(self):
        """Collect every (template, context) rendered until the test ends."""
        rendered = []

        def record(sender, template, context, **kwargs):
            rendered.append((sender, template, context))

        template_rendered.connect(record)
        self.addCleanup(template_rendered.disconnect, record)
        return rendered

    def test_it_sends_the_template_as_sender_and_its_context(self):
        rendered = self.record_templates()

        greeting_html("Ada")

        [(sender, template, context)] = rendered
        self.assertIs(sender, template)  # the Template instance, not a class
        self.assertEqual(template.name, "greetings/greeting.html")
        self.assertEqual(context["name"], "Ada")

    def test_an_included_template_sends_it_again(self):
        rendered = self.record_templates()

        response = self.client.get("/greetings/Ada/")

        expected = ["greetings/page.html", "greetings/greeting.html"]
        self.assertEqual(names(template for _, template, _ in rendered), expected)
        # The test client collects the same calls into response.templates.
        self.assertEqual(names(response.templates), expected)
        self.assertEqual(response.context["name"], "Ada")

    def test_the_test_client_collects_templates_through_the_signal(self):
        with mock.patch.object(template_rendered, "send"):
            response = self.client.get("/greetings/Ada/")

        self.assertEqual(response.templates, [])

    def test_the_test_environment_swaps_in_a_rendering_method_that_sends_it(self):
        self.assertIs(Template._render, instrumented_test_render)

    def test_assert_template_used_works_without_any_request(self):
        with self.assertTemplateUsed("greetings/greeting.html"):
            greeting_html("Ada")
        with self.assertTemplateNotUsed("greetings/page.html"):
            greeting_html("Ada")

    def test_assert_template_used_sees_nothing_without_the_signal(self):
        with (
            mock.patch.object(template_rendered, "send"),
            self.assertRaises(AssertionError),
            self.assertTemplateUsed("greetings/greeting.html"),
        ):
            greeting_html("Ada")

    def test_it_is_sent_only_once_the_test_environment_is_set_up(self):
        script = """
import django
from django.conf import settings

settings.configure(
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}]
)
django.setup()
from django.template import engines
from django.test.signals import template_rendered
from django.test.utils import instrumented_test_render
from django.test.utils import setup_test_environment

heard = []
template_rendered.connect(lambda **kwargs: heard.append(1), weak=False)
template = engines["django"].from_string("Hello")
template.render()
print(len(heard))
setup_test_environment()  # what the test runner does before any test
template.render()
print(len(heard))
"""
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )

        self.assertEqual(result.stdout.split(), ["0", "1"])
