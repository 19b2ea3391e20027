"""Say on the site which Django versions and databases its samples ran on.

The test matrix installs one lock file per Django series
(requirements/django-<series>.txt), so the versions are read from there,
never typed by hand; the PostgreSQL series is the one scripts/services.py
insists on ([tool.guide] postgresql in pyproject.toml). The footer of every
page and the `{{ verified_django_versions }}` placeholder in a page both
show them.
"""

import re
import tomllib
from pathlib import Path

PLACEHOLDER = "{{ verified_django_versions }}"
LOCKS = Path(__file__).resolve().parent.parent / "requirements"


def verified_versions() -> list[str]:
    versions = []
    for lock in sorted(LOCKS.glob("django-*.txt")):
        match = re.search(r"^django==(\S+)", lock.read_text(), re.M | re.I)
        if not match:
            raise ValueError(f"{lock}: no pinned django== line")
        versions.append(match[1])
    return versions


def postgresql() -> str:
    """The PostgreSQL series `make test` runs on (scripts/services.py checks it)."""
    config = tomllib.loads((LOCKS.parent / "pyproject.toml").read_text())
    return config["tool"]["guide"]["postgresql"]


def sentence() -> str:
    *others, newest = verified_versions()
    django = f"{', '.join(others)} and {newest}" if others else newest
    return f"Django {django}, on SQLite and PostgreSQL {postgresql()}"


def on_config(config):
    config.copyright = f"Every sample on this site ran in CI on {sentence()}."
    return config


def on_page_markdown(markdown, page, config, files):
    return markdown.replace(PLACEHOLDER, sentence())
