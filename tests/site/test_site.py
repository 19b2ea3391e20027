"""The site builds strictly and loads nothing from outside itself."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import copyable_apps
import django
import django_versions
import pytest
import signal_table
from mkdocs.utils import meta

from tests import pages

RESOURCE_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src"}
# <link> relations that name a page rather than load a resource.
NAVIGATION_RELS = {"canonical", "alternate", "prev", "next", "author", "license"}
REMOTE = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])(?P<url>(?:https?:)?//[^'")\s]+)"""
)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    return pages.built_site(tmp_path_factory)


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
        built = site / pages.built_path(page)
        assert built.is_file(), f"{pages.name(page)} produced no page"


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


@pytest.mark.parametrize("page", pages.markdown_pages(), ids=pages.name)
def test_page_has_its_own_meta_description(site, page):
    _, front_matter = meta.get_data(page.read_text())
    description = front_matter.get("description")
    assert isinstance(description, str) and len(description.split()) >= 6, (
        f"{pages.name(page)}: start the page with YAML front matter holding a "
        "one-sentence `description:` (quote it if it contains a colon)."
    )
    assert '"' not in description, (
        f"{pages.name(page)}: the description has a double quote, which Material "
        "writes into the HTML attribute unescaped; use single quotes."
    )
    html = (site / pages.built_path(page)).read_text()
    shown = re.search(r'<meta name="description" content="([^"]*)"', html)
    assert shown and unescape(shown[1]) == description.strip(), (
        f"{pages.name(page)}: the built page does not carry its description"
    )


def meta_tags(html):
    """{property or name: content} of the page's <meta> tags."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html)
    return {key: unescape(value) for key, value in found}


@pytest.mark.parametrize(
    "page", [*pages.markdown_pages(), pages.DOCS / "playground.ipynb"], ids=pages.name
)
def test_page_has_a_link_preview_served_by_the_site(site, page):
    html = (site / pages.built_path(page)).read_text()
    tags = meta_tags(html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)[1]
    site_url = canonical.removesuffix(pages.url_path(page))
    where = f"{pages.name(page)} (overrides/main.html)"
    assert tags.get("og:description") == tags.get("description"), where
    assert tags.get("og:title") and tags["og:title"] == tags.get("twitter:title"), where
    assert tags.get("og:url") == canonical, where
    assert tags.get("twitter:card") == "summary_large_image", where
    image = tags.get("og:image", "")
    assert image == tags.get("twitter:image") and image.startswith(site_url), where
    assert (site / image.removeprefix(site_url)).is_file(), f"{where}: no {image}"


def test_site_says_which_django_versions_it_was_verified_on(site):
    versions = django_versions.verified_versions()
    assert django.get_version() in versions, (
        f"This run uses Django {django.get_version()}, which is not in any lock "
        "file under requirements/: run the checks through `make test`."
    )
    home = (site / "index.html").read_text()
    assert f"verified on {django_versions.sentence()}" in home.replace("\n", " ")


class LinkFinder(HTMLParser):
    """Collects the ids a page defines and the links it holds."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def test_no_internal_link_or_anchor_is_broken(site):
    parsed = {}
    for html in site.rglob("*.html"):
        finder = LinkFinder()
        finder.feed(html.read_text())
        parsed[html] = finder
    broken = []
    for html, finder in parsed.items():
        for href in finder.links:
            url = urlsplit(href)
            if url.scheme or url.netloc or href.startswith(("mailto:", "javascript:")):
                continue  # another site: a reader's browser, not this check
            base = site if url.path.startswith("/") else html.parent
            target = (
                (base / unquote(url.path).lstrip("/")).resolve() if url.path else html
            )
            if target.is_dir():
                target = target / "index.html"
            if target not in parsed and not target.is_file():
                broken.append(f"{html.relative_to(site)}: {href} (no such page)")
            elif (
                url.fragment
                and target in parsed
                and url.fragment not in parsed[target].ids
            ):
                broken.append(f"{html.relative_to(site)}: {href} (no such anchor)")
    assert not broken, "Broken links in the built site:\n" + "\n".join(broken)


def test_search_index_holds_prose_but_no_code(site):
    index = (site / "search" / "search_index.json").read_text()
    assert "Create a profile for every new user" in index
    assert "Profile.objects.create(user=instance)" not in index, (
        "code blocks reached the search index: is hooks/search_without_code.py "
        "still listed under hooks: in mkdocs.yml?"
    )


def test_every_app_can_be_downloaded_from_its_box(site):
    for app in copyable_apps.apps():
        built = site / "downloads" / f"{app}.zip"
        assert built.read_bytes() == copyable_apps.zip_bytes(app), (
            f"the site's downloads/{app}.zip is not the zip of snippets/{app}"
        )
    box_pages = [p for p in pages.markdown_pages() if pages.apps_shown(p)]
    for page in box_pages:
        html = (site / pages.built_path(page)).read_text()
        for app in pages.apps_shown(page):
            assert f'downloads/{app}.zip"' in html, (
                f"{pages.name(page)}: the built page has no box linking to {app}.zip"
            )


def test_the_cheat_sheet_holds_every_row_of_the_checked_table(site):
    html = (site / "reference" / "cheat-sheet" / "index.html").read_text()
    text = unescape(re.sub(r"<[^>]+>", "", html))
    for row in signal_table.rows():
        for cell in (row.name, row.sender, row.arguments):
            assert cell.replace("`", "") in text, (
                f"docs/reference/cheat-sheet.md (hooks/cheat_sheet.py) does not "
                f"show {cell!r} of the reference table's row for {row.name}"
            )
