"""The site builds strictly and loads nothing from outside itself."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import django
import pytest

from hooks import django_versions

from . import pages

RESOURCE_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src"}
# <link> relations that name a page rather than load a resource.
NAVIGATION_RELS = {"canonical", "alternate", "prev", "next", "author", "license"}
REMOTE = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])(?P<url>(?:https?:)?//[^'")\s]+)"""
)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", out],
        cwd=pages.ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return out


class ResourceFinder(HTMLParser):
    """Collects every URL a browser would fetch while loading the page."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") not in NAVIGATION_RELS:
            self.urls.append(attrs.get("href", ""))
        elif tag in RESOURCE_ATTRS:
            self.urls.append(attrs.get(RESOURCE_ATTRS[tag]) or "")
        if "style" in attrs:
            self.urls += [m["url"] for m in CSS_URL.finditer(attrs["style"])]


def test_every_page_is_built(site):
    for page in pages.markdown_pages():
        relative = page.relative_to(pages.DOCS).with_suffix("")
        built = site / relative / "index.html"
        if relative.name == "index":
            built = site / relative.parent / "index.html"
        assert built.is_file(), f"{page.relative_to(pages.ROOT)} produced no page"


def test_no_page_loads_anything_from_another_host(site):
    remote = []
    for html in site.rglob("*.html"):
        finder = ResourceFinder()
        finder.feed(html.read_text())
        remote += [
            f"{html.relative_to(site)}: {u}" for u in finder.urls if REMOTE.match(u)
        ]
    for css in site.rglob("*.css"):
        remote += [
            f"{css.relative_to(site)}: {m['url']}"
            for m in CSS_URL.finditer(css.read_text())
        ]
    assert not remote, "Pages load resources from outside the site:\n" + "\n".join(
        remote
    )


def test_every_page_has_a_description(site):
    for page in pages.markdown_pages():
        assert page.read_text().startswith("---\ndescription:"), (
            f"{page.relative_to(pages.ROOT)}: start the page with front matter that "
            "gives a one-sentence `description:` for search engines and link previews."
        )


def test_site_says_which_django_versions_it_was_verified_on(site):
    versions = django_versions.verified_versions()
    assert django.get_version() in versions, (
        f"This run uses Django {django.get_version()}, which is not in any lock "
        "file under requirements/: run the checks through `make test`."
    )
    home = (site / "index.html").read_text()
    assert f"verified on {django_versions.sentence()}" in home.replace("\n", " ")
