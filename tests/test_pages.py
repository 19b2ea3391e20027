"""Every code block on the site is a real file or runs in the suite.

A failure names the page (and line) to fix and the file involved.
"""

import pytest

from hooks import use_this_app

from . import pages

PYTHON = {"python", "py", "pycon"}


def page_ids(items):
    return [item.where for item in items]


python_blocks = [
    block
    for page in pages.markdown_pages()
    for block in pages.blocks(page)
    if block.language in PYTHON
]


@pytest.mark.parametrize("block", python_blocks, ids=page_ids(python_blocks))
def test_python_block_is_included_or_executed(block):
    if block.is_include:
        return
    assert "test=" not in block.info, (
        f"{block.where}: this Python block is marked {block.info.strip()!r}, so no "
        "test runs it. Move the code into a file under snippets/ and include it, "
        "or make it run."
    )
    assert block.language == "python", (
        f"{block.where}: write the fence as ```python so the example tests run it."
    )


all_includes = pages.all_includes()


@pytest.mark.parametrize("include", all_includes, ids=page_ids(all_includes))
def test_include_points_at_a_real_file_and_section(include):
    path = pages.ROOT / include.path
    assert path.is_file(), (
        f"{include.where}: includes {include.path}, which does not exist."
    )
    if include.section:
        assert include.section in pages.sections(path), (
            f"{include.where}: {include.path} has no section "
            f"'{include.section}' (mark it with # --8<-- [start:{include.section}]"
            f" and # --8<-- [end:{include.section}])."
        )


included = {inc.path for inc in all_includes}
page_files = [p for p in pages.snippet_files() if not pages.is_support_file(p)]


@pytest.mark.parametrize(
    "path", page_files, ids=[p.relative_to(pages.ROOT).as_posix() for p in page_files]
)
def test_snippet_file_is_shown_on_a_page(path):
    relative = path.relative_to(pages.ROOT).as_posix()
    assert relative in included, (
        f"{relative} is on no page. Include it from a page under docs/ with "
        f'--8<-- "{relative}", or, if it is plumbing every app needs, add its '
        "pattern to [tool.guide] support_files in pyproject.toml."
    )


showing_apps = [page for page in pages.markdown_pages() if pages.apps_shown(page)]


@pytest.mark.parametrize("page", showing_apps, ids=map(pages.name, showing_apps))
def test_page_has_a_use_this_app_box_for_each_app_it_shows(page):
    boxes = use_this_app.MARKER.findall(page.read_text())
    for app in pages.apps_shown(page):
        assert app in boxes, (
            f"{pages.name(page)} shows snippets/{app}/ but has no box saying how to "
            f"use it: put `<!-- use this app: {app} -->` on a line of its own "
            "where the box belongs (its content comes from "
            f"snippets/{app}/install.toml)."
        )
