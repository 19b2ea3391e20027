"""record() keeps a scenario's sends as plain data, and only its own senders."""

import json

import django
from django.db.models.signals import post_save
from django.test import TestCase

from ..models import Author, Tag
from ..scenarios import SCENARIOS, record
from .helpers import AUTHOR, sends


class RecordTests(TestCase):
    def test_a_recording_is_plain_data_ready_for_json(self):
        recording = record("update_fields")

        self.assertEqual(json.loads(json.dumps(recording)), recording)
        self.assertEqual(recording["django"], "{}.{}".format(*django.VERSION[:2]))
        self.assertEqual(
            recording["sends"][0],
            {
                "signal": "pre_save",
                "sender": AUTHOR,
                "kwargs": {
                    "instance": None,
                    "raw": "False",
                    "using": None,
                    "update_fields": "frozenset({'name'})",
                },
            },
        )

    def test_sends_of_other_senders_are_left_out(self):
        # Another app's receiver that saves its own row: not part of creating
        # an author, so the recording of "create" keeps none of it.
        made = []

        def tag_new_authors(sender, created, **kwargs):
            made.append(Tag.objects.create(name="new"))

        post_save.connect(tag_new_authors, sender=Author)
        try:
            recorded = sends("create")
        finally:
            post_save.disconnect(tag_new_authors, sender=Author)

        self.assertEqual(len(made), 1)
        self.assertEqual({sender for _, sender in recorded}, {AUTHOR})

    def test_a_scenario_leaves_the_database_as_it_found_it(self):
        record("loaddata")

        self.assertFalse(Author.objects.exists())
        self.assertEqual(sends("loaddata"), sends("loaddata"))

    def test_every_scenario_is_named_after_its_function(self):
        for name, scenario in SCENARIOS.items():
            self.assertEqual(scenario.run.__name__, name)
