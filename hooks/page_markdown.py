"""Every page as Markdown, for readers and for AI assistants.

Beside each page's HTML the site publishes its Markdown with the included
files written out: `guide/testing.md` for `guide/testing/`. The includes are
resolved by the same pymdownx.snippets extension, with the same settings,
that builds the HTML, so the two cannot differ; the notebook page becomes its
Markdown cells and its code. Each file starts with the page's title,
description and address as front matter.

After the build, `llms.txt` lists every page of the navigation, section by
section, with its description (https://llmstxt.org), and `llms-full.txt`
holds all the pages in navigation order. Both are read back from the Markdown
files, so under `mkdocs serve --dirty` they stay whole when only some pages
are rebuilt.

Runs after the hooks that write into the Markdown (the "Use this app" box,
the cheat sheet): list it after them in mkdocs.yml.
"""

from pathlib import Path, PurePosixPath

import markdown
import nbformat
import yaml
from mkdocs.exceptions import PluginError

INCLUDE_MARK = "--8<--"
resolver = None  # pymdownx.snippets' preprocessor, set up as the site's
resolved: dict[str, str] = {}  # src_uri -> Markdown, for this build
sections: list[tuple[str, list[str]]] = []  # (section title, [src_uri])


def markdown_uri(src_uri: str) -> str:
    """Where a page's Markdown is published: its source path, as .md."""
    return PurePosixPath(src_uri).with_suffix(".md").as_posix()


def on_config(config):
    global resolver
    md = markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )
    resolver = md.preprocessors["snippet"]


def notebook_markdown(path: str) -> str:
    cells = nbformat.read(path, as_version=4).cells
    return "\n\n".join(
        cell.source
        if cell.cell_type == "markdown"
        else f"```python\n{cell.source}\n```"
        for cell in cells
        if cell.source.strip()
    )


def on_nav(nav, config, files):
    sections.clear()
    loose = []
    for item in nav.items:
        if item.is_section:
            sections.append((item.title, [p.file.src_uri for p in item.children]))
        else:
            loose.append(item.file.src_uri)
    sections.insert(0, ("Start here", loose))


def on_page_markdown(text, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        return text  # mkdocs-jupyter renders it; its copy is made from the cells
    lines = resolver.run(text.split("\n"))
    resolved[page.file.src_uri] = "\n".join(lines)
    return text


def on_page_context(context, page, config, nav):
    context["markdown_copy"] = markdown_uri(page.file.src_uri)
    return context


def on_post_page(output, page, config):
    src_uri = page.file.src_uri
    body = resolved.pop(src_uri, None)
    if body is None:  # the notebook: mkdocs-jupyter renders it, not Markdown
        body = notebook_markdown(page.file.abs_src_path)
    if INCLUDE_MARK in body:
        raise PluginError(
            f"docs/{src_uri}: an include ({INCLUDE_MARK}) is left in its Markdown "
            "copy after resolving; check the line's syntax"
        )
    meta = {
        "title": page.title,
        "description": page.meta.get("description", config.site_description),
        "url": page.canonical_url,
    }
    target = Path(config.site_dir, markdown_uri(src_uri))
    target.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    target.write_text(f"---\n{front}---\n\n{body.strip()}\n", encoding="utf-8")
    return output


def read_copy(site_dir: str, src_uri: str) -> tuple[dict, str]:
    """A published Markdown copy: its front matter, and its body."""
    text = Path(site_dir, markdown_uri(src_uri)).read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body.strip()


def on_post_build(config):
    index = [f"# {config.site_name}"]
    if config.site_description:
        index += ["", f"> {config.site_description.strip()}"]
    full = list(index)
    for title, uris in sections:
        index += ["", f"## {title}", ""] if uris else []
        for uri in uris:
            meta, body = read_copy(config.site_dir, uri)
            about = f": {meta['description']}" if meta["description"] else ""
            index.append(f"- [{meta['title']}]({markdown_uri(uri)}){about}")
            full += ["", "---", "", f"Source: {meta['url']}", "", body]
    Path(config.site_dir, "llms.txt").write_text("\n".join(index) + "\n", "utf-8")
    Path(config.site_dir, "llms-full.txt").write_text("\n".join(full) + "\n", "utf-8")
