"""Every code block on the site is a real, tested file, and every app has its box.

A failure names the page (and line) to fix and the file involved.
"""

import io
import re
import zipfile
from types import SimpleNamespace

import copyable_apps
import pytest
import use_this_app
from mkdocs.exceptions import PluginError

from tests import pages

PYTHON = {"python", "py", "pycon"}


def page_ids(items):
    return [item.where for item in items]


def test_every_python_block_is_an_include():
    typed_in = [
        block.where
        for page in pages.markdown_pages()
        for block in pages.blocks(page)
        if block.language in PYTHON and not block.is_include
    ]
    assert not typed_in, (
        "These Python blocks are typed into their page, so no test runs them: "
        f"{', '.join(typed_in)}. Move the code into a file under snippets/, "
        'with a test, and include it with --8<-- "snippets/<app>/<file>.py".'
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


@pytest.mark.parametrize("app", copyable_apps.apps())
def test_the_box_asks_for_migrate_exactly_when_the_zip_holds_migrations(app):
    names = zipfile.ZipFile(io.BytesIO(copyable_apps.zip_bytes(app))).namelist()
    migrations = [name for name in names if re.search(r"/migrations/0\w+\.py$", name)]
    asks = "python manage.py migrate" in use_this_app.box(app, "guide/page.md")
    assert asks == bool(migrations), f"snippets/{app}: migrations {migrations}"


def test_a_box_for_an_app_that_does_not_exist_fails_the_build_naming_the_page():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="guide/page.md"))
    with pytest.raises(PluginError) as failure:
        use_this_app.on_page_markdown(
            "<!-- use this app: no_such_app -->", page, {}, []
        )
    assert "docs/guide/page.md" in str(failure.value)
    assert "snippets/no_such_app/" in str(failure.value)
