"""Under `mkdocs serve --dirty`, rebuild the pages a change touches, and only those.

A dirty build rebuilds a page when its Markdown file is newer than its HTML.
On this site most of a page is included from snippets/, so here a page is
also out of date when a file it includes (`--8<-- "path"`) is newer, or when
mkdocs.yml, a hook or a theme override is. Saving a snippet rebuilds the
pages that show it in about a second, instead of the whole site.

The search index keeps the entries of the pages left alone. Material's
search plugin merges them itself, but only for one rebuilt page (a snippet
is often shown on two), and not for the home page, so the merge is done here.

What a dirty build cannot see: a page's new title stays in the other pages'
navigation until `make serve` is restarted.

No hook lets a plugin say what a page depends on, so this one touches three
things MkDocs and Material do not offer for it; tests/site/test_serve.py
fails if any of them changes:
- `File.is_modified`, MkDocs' public method, replaced on each page's File;
- `search_index_prev`, a private attribute of Material's search plugin;
- the text of MkDocs' warning that dirty builds are inaccurate.
"""

import logging
import os
from functools import partial
from pathlib import Path

from mkdocs.plugins import event_priority
from page_includes import INCLUDE

rebuilt = set()  # URLs of the pages this build rendered


def files_under(folder):
    return [str(path) for path in Path(folder).rglob("*") if path.is_file()]


def is_modified(file, dependencies):
    """MkDocs' own test (is the HTML older than the source?), then the dependencies'."""
    if type(file).is_modified(file):
        return True
    built = os.path.getmtime(file.abs_dest_path)
    existing = [path for path in dependencies if os.path.isfile(path)]
    return any(os.path.getmtime(path) > built for path in existing)


def on_files(files, config):
    root = Path(config.config_file_path).parent
    site_wide = [config.config_file_path, *files_under(root / "hooks")]
    if config.theme.custom_dir:
        site_wide += files_under(config.theme.custom_dir)
    for file in files.documentation_pages():
        included = []
        if file.src_uri.endswith(".md"):
            markdown = Path(file.abs_src_path).read_text(encoding="utf-8")
            included = [str(root / m["path"]) for m in INCLUDE.finditer(markdown)]
        file.is_modified = partial(is_modified, file, [*included, *site_wide])
    return files


def on_pre_build(config):
    rebuilt.clear()


def on_page_content(html, page, config, files):
    rebuilt.add(page.url)
    return html


@event_priority(100)  # before the search plugin writes the index
def on_post_build(config):
    search = config.plugins.get("material/search")
    previous = search and search.search_index_prev
    if previous:  # a dirty rebuild: keep the entries of the other pages
        kept = [e for e in previous.entries if page_of(e) not in rebuilt]
        search.search_index.entries[:0] = kept
        search.search_index_prev = None  # merged already


def page_of(entry):
    return entry["location"].split("#")[0]


class DirtyBuildWarning(logging.Filter):
    """Drop MkDocs' warning that dirty builds are inaccurate: the hook above
    makes them accurate for everything but titles, and `strict: true` would
    otherwise fail every rebuild."""

    def filter(self, record):
        return not record.getMessage().startswith("A 'dirty' build is being performed")


logging.getLogger("mkdocs.commands.build").addFilter(DirtyBuildWarning())
