"""The request_wsgi and request_asgi diagrams, and the view they call."""

from django.db.models.signals import post_init, pre_init
from django.test import TestCase

from ..models import Tag
from ..scenarios import record
from ..views import TagForm
from .helpers import TAG, recorded, sends


class RequestTests(TestCase):
    def test_a_wsgi_request_wraps_the_views_model_signals(self):
        self.assertEqual(
            sends("request_wsgi"),
            [
                ("request_started", "ClientHandler"),
                ("pre_init", TAG),
                ("post_init", TAG),
                ("pre_save", TAG),
                ("post_save", TAG),
                ("request_finished", "None"),
            ],
        )

    def test_an_asgi_request_wraps_the_views_model_signals_too(self):
        recording = record("request_asgi")

        self.assertEqual(
            [(s["signal"], s["sender"]) for s in recording["sends"]],
            [
                ("request_started", "AsyncClientHandler"),
                ("pre_init", TAG),
                ("post_init", TAG),
                ("pre_save", TAG),
                ("post_save", TAG),
                ("request_finished", "None"),
            ],
        )

    def test_the_form_creates_the_tag_object_when_it_is_made(self):
        with (
            recorded(pre_init, sender=Tag) as pre_inits,
            recorded(post_init, sender=Tag) as post_inits,
        ):
            form = TagForm({"name": "math"})

        self.assertEqual(len(pre_inits + post_inits), 2)
        self.assertIs(post_inits[0]["instance"], form.instance)

    def test_the_view_rejects_a_bad_name(self):
        response = self.client.post("/signal_scenarios/tags/", {"name": "x" * 51})

        self.assertEqual(response.status_code, 400)
        self.assertFalse(Tag.objects.exists())

    def test_the_view_accepts_only_post(self):
        response = self.client.get("/signal_scenarios/tags/")

        self.assertEqual(response.status_code, 405)
