"""render() draws a recording as an SVG sequence diagram that says it in words."""

import json
from xml.etree import ElementTree

from django.test import SimpleTestCase

from ..diagram import render

EXAMPLE = {
    "scenario": "example",
    "title": "An example",
    "django": "6.1",
    "caller": "your code",
    "sends": [
        {
            "signal": "pre_save",
            "sender": "shop.Order",
            "kwargs": {"instance": None, "raw": "False"},
        },
        {
            "signal": "order_paid",
            "sender": "shop.Payment",
            "kwargs": {"note": "'<b> & co'"},
        },
        {"signal": "request_finished", "sender": "None", "kwargs": {}},
    ],
}


class DiagramTests(SimpleTestCase):
    recording = EXAMPLE

    def svg(self):
        return ElementTree.fromstring(render(self.recording))

    def test_the_result_is_well_formed_svg_with_text_escaped(self):
        texts = [t for t in self.svg().itertext()]

        self.assertIn("(note='<b> & co')", texts)

    def test_title_and_description_say_everything_in_words(self):
        ns = {"svg": "http://www.w3.org/2000/svg"}
        svg = self.svg()

        self.assertEqual(svg.get("role"), "img")
        self.assertEqual(
            svg.find("svg:title", ns).text, "An example: the signals Django 6.1 sends"
        )
        description = svg.find("svg:desc", ns).text
        self.assertIn("1. shop.Order sends pre_save(instance, raw=False).", description)
        self.assertIn("3. None sends request_finished().", description)

    def test_one_column_per_sender_after_the_caller(self):
        ns = {"svg": "http://www.w3.org/2000/svg"}
        headers = [t.text for t in self.svg().findall("svg:text[@class='b n c']", ns)]

        self.assertEqual(headers, ["your code", "Order", "Payment", "None"])

    def test_one_arrow_per_send(self):
        ns = {"svg": "http://www.w3.org/2000/svg"}

        self.assertEqual(len(self.svg().findall("svg:path[@class='a']", ns)), 3)

    def test_it_has_its_own_background_for_light_and_dark(self):
        svg = render(self.recording)

        self.assertIn('<rect class="bg"', svg)
        self.assertIn("@media (prefers-color-scheme:dark)", svg)

    def test_long_argument_lists_wrap(self):
        long = {f"argument_{n}": None for n in range(10)}
        recording = {
            **self.recording,
            "sends": [{"signal": "sig", "sender": "x", "kwargs": long}],
        }
        ns = {"svg": "http://www.w3.org/2000/svg"}
        lines = ElementTree.fromstring(render(recording)).findall("svg:text", ns)

        self.assertGreater(
            len([t for t in lines if "argument_" in "".join(t.itertext())]), 1
        )

    def test_the_same_recording_gives_the_same_bytes(self):
        self.assertEqual(
            render(self.recording), render(json.loads(json.dumps(self.recording)))
        )
