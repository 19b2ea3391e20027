"""Record every signal_scenarios scenario and redraw the diagrams from them.

    make diagrams              # on Django 6.1, the default series
    make diagrams DJANGO=5.2   # on the other supported series

For the running Django series it writes
docs/reference/diagrams/<scenario>.django-<series>.json, then redraws each
<scenario>.svg from the default series' recordings, which the page shows.
tests/test_diagrams.py fails when a file here is out of date or was edited
by hand.
"""

import json
import logging
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = ROOT / "docs" / "reference" / "diagrams"
DEFAULT_SERIES = "6.1"  # the Makefile's default DJANGO: the pictures show it


def running_series():
    return "{}.{}".format(*django.VERSION[:2])


def json_path(scenario, series):
    return DIAGRAMS / f"{scenario}.django-{series}.json"


def svg_path(scenario):
    return DIAGRAMS / f"{scenario}.svg"


def command(series):
    """The command that rewrites the recordings of one series."""
    if series == DEFAULT_SERIES:
        return "make diagrams"
    return f"make diagrams DJANGO={series}"


def dump(recording):
    """JSON with one send per line, so a changed send is a one-line diff."""
    head = [
        f"  {json.dumps(key)}: {json.dumps(value)},"
        for key, value in recording.items()
        if key != "sends"
    ]
    sends = ",\n".join(f"    {json.dumps(send)}" for send in recording["sends"])
    return "{\n" + "\n".join(head) + f'\n  "sends": [\n{sends}\n  ]\n}}\n'


def setup_django():
    """Configure the snippet project the way the test suite does."""
    for path in ("snippets", "snippet_project"):
        sys.path.insert(0, str(ROOT / path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    django.setup()


def record_all():
    """Each scenario's recording, made in a fresh test database.

    As in a test run: the test environment is set up, so the recordings
    match the ones tests/test_diagrams.py makes; record() rolls each
    scenario back, so no scenario sees another's rows.
    """
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from signal_scenarios.scenarios import SCENARIOS, record

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        return {name: record(name) for name in SCENARIOS}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def main():
    setup_django()
    from signal_scenarios.diagram import render

    # Other apps' receivers log warnings (a failed login is one): not news here.
    logging.disable(logging.WARNING)
    series = running_series()
    DIAGRAMS.mkdir(parents=True, exist_ok=True)
    for name, recording in record_all().items():
        json_path(name, series).write_text(dump(recording))
        default = json_path(name, DEFAULT_SERIES)
        if default.is_file():
            svg_path(name).write_text(render(json.loads(default.read_text())))
    print(f"Recorded on Django {django.get_version()} into {DIAGRAMS}")


if __name__ == "__main__":
    main()
