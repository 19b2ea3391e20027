"""Every page is published as Markdown, and llms.txt lists them all.

hooks/page_markdown.py writes guide/x.md beside guide/x/ with the included
files written out, then llms.txt (the index) and llms-full.txt (every page).
"""

import re

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests import pages

HOOK = pages.ROOT / "hooks" / "page_markdown.py"
LINK = re.compile(r"^- \[(?P<title>[^]]+)\]\((?P<target>[^)]+)\): \S", re.M)
EVERY_PAGE = [*pages.markdown_pages(), pages.DOCS / "playground.ipynb"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return pages.built_site(tmp_path_factory)


def unindented(text):
    """Lines without their indent: an include inside an admonition is indented."""
    return "\n".join(line.strip() for line in text.strip().splitlines())


def copy_of(page):
    return page.relative_to(pages.DOCS).with_suffix(".md")


def test_llms_txt_lists_every_page_once_with_its_description(site):
    listed = [m["target"] for m in LINK.finditer((site / "llms.txt").read_text())]
    expected = sorted(copy_of(page).as_posix() for page in EVERY_PAGE)
    assert sorted(listed) == expected, (
        "llms.txt must list every page of the navigation once "
        "(hooks/page_markdown.py reads the sections from mkdocs.yml's nav)"
    )
    for target in listed:
        assert (site / target).is_file(), f"llms.txt links to {target}, not built"


@pytest.mark.parametrize("page", pages.markdown_pages(), ids=pages.name)
def test_the_markdown_copy_shows_every_include_written_out(site, page):
    copy = (site / copy_of(page)).read_text()
    assert "--8<--" not in copy, f"{pages.name(page)}: an include is left unresolved"
    for include in pages.includes(page):
        shown = pages.included_text(pages.ROOT / include.path, include.section)
        assert unindented(shown) in unindented(copy), (
            f"{include.where}: {include.path} is not written out in "
            f"{copy_of(page)} as the page shows it"
        )


def test_each_copy_starts_with_the_pages_title_description_and_address(site):
    _, front, body = (site / "guide" / "testing.md").read_text().split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["title"] == "Testing code that uses signals"
    assert meta["description"].startswith("Test code that uses Django signals")
    assert meta["url"].endswith("/guide/testing/")
    assert body.lstrip().startswith("# Testing code that uses signals")


def test_the_notebooks_copy_holds_its_code(site):
    copy = (site / "playground.md").read_text()
    assert "```python\n" in copy
    assert "Course.objects.create" in copy


def test_llms_full_holds_every_page_in_the_order_of_the_navigation(site):
    full = (site / "llms-full.txt").read_text()
    index = (site / "llms.txt").read_text()
    positions = []
    for match in LINK.finditer(index):
        _, _, body = (site / match["target"]).read_text().split("---\n", 2)
        assert body.strip() in full, f"llms-full.txt lacks {match['target']}"
        positions.append(full.index(body.strip()))
    assert positions == sorted(positions)


def test_every_page_links_to_its_copy_from_a_copy_button(site):
    for page in pages.markdown_pages():
        html = (site / pages.built_path(page)).read_text()
        link = re.search(r'<a href="([^"]+)"[^>]*data-copy-page-markdown', html)
        assert link, f"{pages.name(page)}: no 'Copy page as Markdown' link"
        target = (site / pages.built_path(page)).parent / link[1]
        assert target.resolve() == (site / copy_of(page)).resolve()


@pytest.fixture
def small_site(tmp_path):
    (tmp_path / "shown.py").write_text("SHOWN = 1\n")
    home = {"index.md": "# Home\n\nThe start.\n"}
    pages.small_site(tmp_path, home, [HOOK], site_url="http://127.0.0.1:8000/")
    return tmp_path


def build_small(site_root):
    config = load_config(str(site_root / "mkdocs.yml"), site_dir=str(site_root / "out"))
    build(config)
    return site_root / "out"


def test_a_small_site_gets_its_copies(small_site):
    (small_site / "docs" / "page.md").write_text(
        '# Page\n\n```python\n--8<-- "shown.py"\n```\n'
    )
    out = build_small(small_site)
    assert "SHOWN = 1" in (out / "page.md").read_text()
    assert "- [Page](page.md)\n" in (out / "llms.txt").read_text()


def test_an_include_left_unresolved_fails_the_build_naming_the_page(small_site, caplog):
    # A mark the snippets extension does not take (here, inline) is left as is.
    (small_site / "docs" / "page.md").write_text('# Page\n\nSee `--8<-- "shown.py"`.\n')
    with pytest.raises(Abort):
        build_small(small_site)
    assert "docs/page.md: an include (--8<--) is left" in caplog.text
