"""The diagrams on docs/reference/signal-diagrams.md show what Django sends.

Each scenario of site_tooling/signal_scenarios is recorded again on the running
Django and compared with the committed recording of this Django series; each
committed SVG is compared with what the renderer draws from the committed
recording of the default series. Editing either file by hand fails here.
`make diagrams` (and `make diagrams DJANGO=5.2`) writes them again.
"""

import difflib
import json
import re

import django
import pytest
from signal_scenarios.diagram import render
from signal_scenarios.scenarios import SCENARIOS, record

from scripts.record_diagrams import (
    DEFAULT_SERIES,
    DIAGRAMS,
    command,
    dump,
    json_path,
    running_series,
    svg_path,
)

from . import pages

NAMES = sorted(SCENARIOS)
SERIES = running_series()
ALL_SERIES = sorted(
    path.stem.removeprefix("django-")
    for path in (pages.ROOT / "requirements").glob("django-*.txt")
)
PAGE = pages.DOCS / "reference" / "signal-diagrams.md"
MAX_SVG_BYTES = 8_000


def shown(path):
    return path.relative_to(pages.ROOT).as_posix()


def diff(committed, now, path):
    lines = difflib.unified_diff(
        committed.splitlines(), now.splitlines(), shown(path), "now", lineterm=""
    )
    return "\n".join(lines)


@pytest.mark.parametrize("name", NAMES)
def test_recording_matches_the_committed_one(name, db):
    path = json_path(name, SERIES)
    assert path.is_file(), (
        f"Scenario {name!r} has no recording for Django {SERIES}: {shown(path)} "
        f"is missing. Run `{command(SERIES)}` and commit the new file."
    )
    committed, now = path.read_text(), dump(record(name))
    if now != committed:
        pytest.fail(
            f"Scenario {name!r}: on Django {django.get_version()} the recording "
            f"differs from {shown(path)}. If Django really sends something else "
            f"now, run `{command(SERIES)}`, review the diff and commit it; if the "
            f"file was edited by hand, run it to restore the file.\n\n"
            f"{diff(committed, now, path)}",
            pytrace=False,
        )


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_drawn_from_the_committed_recording(name):
    source, path = json_path(name, DEFAULT_SERIES), svg_path(name)
    drawn = render(json.loads(source.read_text()))
    committed = path.read_text() if path.is_file() else ""
    if committed != drawn:
        pytest.fail(
            f"Scenario {name!r}: {shown(path)} is not what the renderer draws from "
            f"{shown(source)}. Do not edit either by hand: run "
            f"`{command(DEFAULT_SERIES)}` to record and draw them again.\n\n"
            f"{diff(committed, drawn, path)}",
            pytrace=False,
        )
    assert len(drawn.encode()) <= MAX_SVG_BYTES, (
        f"{shown(path)} is {len(drawn.encode())} bytes; keep a diagram under "
        f"{MAX_SVG_BYTES} (a shorter scenario, or a leaner renderer)."
    )


@pytest.mark.parametrize("series", ALL_SERIES)
def test_every_series_has_a_recording_of_every_scenario(series):
    missing = [shown(json_path(n, series)) for n in NAMES]
    missing = [path for path in missing if not (pages.ROOT / path).is_file()]
    assert not missing, f"Missing; run `{command(series)}`: {', '.join(missing)}"


def test_no_file_is_left_from_a_scenario_that_is_gone():
    expected = {svg_path(n) for n in NAMES}
    expected |= {json_path(n, s) for n in NAMES for s in ALL_SERIES}
    stray = sorted(shown(p) for p in DIAGRAMS.iterdir() if p not in expected)
    assert not stray, f"No scenario makes these files; delete them: {stray}"


def test_the_page_shows_every_diagram_with_alt_text():
    text = PAGE.read_text()
    for name in NAMES:
        image = re.search(rf"!\[([^\]]*)\]\(diagrams/{name}\.svg\)", text)
        assert image, f"{shown(PAGE)} does not show diagrams/{name}.svg"
        assert len(image[1].split()) >= 5, (
            f"{shown(PAGE)}: say what diagrams/{name}.svg shows in its alt text"
        )


def test_the_page_names_the_series_its_pictures_show():
    assert f"The pictures show Django {DEFAULT_SERIES}" in PAGE.read_text()


def test_on_5_2_only_raw_of_m2m_changed_is_missing():
    """What the page lists as the differences between the two series."""
    for name in NAMES:
        newer = json.loads(json_path(name, "6.1").read_text())
        older = json.loads(json_path(name, "5.2").read_text())
        for send in newer["sends"]:
            if send["signal"] == "m2m_changed":
                del send["kwargs"]["raw"]
        assert {**newer, "django": "5.2"} == older, name
