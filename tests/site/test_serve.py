"""`make serve` rebuilds only the pages a change touches, and serves them right.

`mkdocs serve --dirty` with hooks/rebuild_what_changed.py: these tests build
a small site as the server does (the first build, then a rebuild after an
edit, with plugins kept between builds) and compare it with a clean build.
"""

import json
import os
import re
import time

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests import pages

HOOK = pages.ROOT / "hooks" / "rebuild_what_changed.py"
MARKDOWN_COPIES = pages.ROOT / "hooks" / "page_markdown.py"
PAGES = {
    "index.md": "# Home\n\nThe start.\n",
    "one.md": '# One\n\n```python\n--8<-- "lib/shared.py"\n```\n',
    "two.md": '# Two\n\n## Shared\n\n```python\n--8<-- "lib/shared.py"\n```\n',
    "three.md": '# Three\n\n```python\n--8<-- "lib/other.py"\n```\n',
}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "shared.py").write_text("SHARED = 1\n")
    (tmp_path / "lib" / "other.py").write_text("OTHER = 1\n")
    pages.small_site(
        tmp_path,
        PAGES,
        [MARKDOWN_COPIES, HOOK],
        site_name="Serve check",
        plugins=["search"],
    )
    return tmp_path


class Server:
    """Builds as `mkdocs serve --dirty` does: plugins kept, config reloaded."""

    def __init__(self, project):
        self.project, self.site = project, project / "served"
        self.config = self.load()
        self.config.plugins.on_startup(command="serve", dirty=True)

    def load(self):
        return load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))

    def rebuild(self):
        self.config = self.load()  # the same plugin objects, as under serve
        build(self.config, dirty=True)

    def built_times(self):
        return {name: self.html(name).stat().st_mtime_ns for name in PAGES}

    def text(self, name):
        return re.sub(r"<[^>]+>", "", self.html(name).read_text())

    def html(self, name):
        docs = self.project / "docs"
        return self.site / pages.built_path(docs / name, docs)


def edit(path, text):
    """Write, with a modification time clearly after the last build."""
    path.write_text(text)
    later = time.time() + 2
    os.utime(path, (later, later))


def search_entries(site):
    index = json.loads((site / "search" / "search_index.json").read_text())
    return sorted(json.dumps(entry, sort_keys=True) for entry in index["docs"])


def clean_build(project):
    site = project / "clean"
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
    return site


def test_saving_a_snippet_rebuilds_the_pages_that_show_it(project):
    server = Server(project)
    server.rebuild()  # the first build
    before = server.built_times()

    edit(project / "lib" / "shared.py", "SHARED = 2\n")
    server.rebuild()

    after = server.built_times()
    rebuilt = sorted(name for name in PAGES if after[name] != before[name])
    assert rebuilt == ["one.md", "two.md"]
    for name in rebuilt:
        assert "SHARED = 2" in server.text(name)


def test_a_rebuild_leaves_the_search_index_as_a_clean_build_makes_it(project):
    server = Server(project)
    server.rebuild()

    edit(project / "lib" / "shared.py", "SHARED = 2\n")
    server.rebuild()  # two pages rebuilt
    edit(project / "docs" / "index.md", "# Home\n\nThe new start.\n")
    server.rebuild()  # the home page, whose entries Material's merge mishandles

    assert search_entries(server.site) == search_entries(clean_build(project))


def test_a_rebuild_leaves_llms_full_txt_as_a_clean_build_makes_it(project):
    server = Server(project)
    server.rebuild()

    edit(project / "lib" / "shared.py", "SHARED = 2\n")
    server.rebuild()  # one.md and two.md rebuilt, the other pages' copies kept

    served = (server.site / "llms-full.txt").read_text()
    assert "SHARED = 2" in served
    assert served == (clean_build(project) / "llms-full.txt").read_text()


def test_a_change_to_the_configuration_rebuilds_every_page(project):
    server = Server(project)
    server.rebuild()
    before = server.built_times()

    config = project / "mkdocs.yml"
    edit(config, config.read_text().replace("Serve check", "Serve check, renamed"))
    server.rebuild()

    after = server.built_times()
    assert all(after[name] != before[name] for name in PAGES)
    assert "Serve check, renamed" in server.text("three.md")


def test_a_dirty_rebuild_passes_strict_mode(project, caplog):
    # MkDocs warns on every dirty build; with strict: true that would abort it.
    server = Server(project)
    server.rebuild()
    edit(project / "lib" / "other.py", "OTHER = 2\n")

    server.rebuild()

    assert "dirty" not in caplog.text
