"""What the documentation pages contain: code blocks and the files they include.

The integrity tests and the example tests both read pages through this
module, so "an include" and "a code block" mean one thing everywhere.
"""

import fnmatch
import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hooks.page_includes import INCLUDE, SECTION

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>.*)$")


@dataclass(frozen=True)
class Include:
    page: Path
    line: int
    path: str  # relative to the repository root, as written on the page
    section: str | None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # the line of the opening fence, counted from 1
    info: str  # what follows the fence: "python", 'python {test="skip"}'
    source: str

    @property
    def language(self) -> str:
        words = self.info.strip().lstrip("{").split()
        return words[0].lstrip(".") if words else ""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def is_include(self) -> bool:
        lines = [line for line in self.source.splitlines() if line.strip()]
        return bool(lines) and all(INCLUDE.match(line) for line in lines)


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def name(page: Path) -> str:
    """How failure messages name a page: docs/guide/x.md."""
    return page.relative_to(ROOT).as_posix()


def url_path(page: Path, docs: Path = DOCS) -> str:
    """A page's path on the site: docs/guide/x.md -> "guide/x/", the home -> ""."""
    relative = page.relative_to(docs).with_suffix("")
    folder = relative.parent if relative.name == "index" else relative
    return "" if folder == Path(".") else f"{folder.as_posix()}/"


def built_path(page: Path, docs: Path = DOCS) -> Path:
    """Where `mkdocs build` writes a page, relative to the site folder."""
    return Path(url_path(page, docs), "index.html")


@cache
def blocks(page: Path) -> tuple[Block, ...]:
    found, lines = [], page.read_text().splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        body, j = [], i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            body.append(lines[j][indent:])
            j += 1
        found.append(Block(page, i + 1, opening["info"], "\n".join(body) + "\n"))
        i = j + 1
    return tuple(found)


@cache
def includes(page: Path) -> tuple[Include, ...]:
    found = []
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        if match := INCLUDE.match(line):
            found.append(Include(page, number, match["path"], match["section"]))
    return tuple(found)


def all_includes() -> list[Include]:
    return [inc for page in markdown_pages() for inc in includes(page)]


def pages_including(path: Path) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    return sorted({inc.where for inc in all_includes() if inc.path == relative})


def apps_shown(page: Path) -> list[str]:
    """The apps under snippets/ whose files the page includes, in order."""
    found = []
    for include in includes(page):
        parts = Path(include.path).parts
        if parts[0] == "snippets" and parts[1] not in found:
            found.append(parts[1])
    return found


def sections(path: Path) -> set[str]:
    return {
        m[2] for line in path.read_text().splitlines() if (m := SECTION.match(line))
    }


def snippet_files() -> list[Path]:
    ignored = {"__pycache__"}
    return sorted(
        p for p in SNIPPETS.rglob("*") if p.is_file() and not ignored & set(p.parts)
    )


@cache
def support_patterns() -> tuple[str, ...]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return tuple(config["tool"]["guide"]["support_files"])


def is_support_file(path: Path) -> bool:
    relative = path.relative_to(SNIPPETS).as_posix()
    return any(fnmatch.fnmatch(relative, pattern) for pattern in support_patterns())


def demo_files() -> list[Path]:
    return sorted(SNIPPETS.glob("*/demo*.py"))


# The lines pytest-examples writes under a print(), with what it printed.
PRINTED = re.compile(r"^ *#>(?: (?P<text>.*))?$")


def printed_output(path: Path) -> str:
    """What a demo prints, as its `#>` lines say, one line each, in file order."""
    lines = path.read_text().splitlines()
    return "\n".join(m["text"] or "" for line in lines if (m := PRINTED.match(line)))


def apps_with_tests() -> list[str]:
    """The apps under snippets/ with tests of their own (tests.py or tests/)."""
    return sorted(
        p.parent.name if p.name == "tests.py" else p.parent.parent.name
        for p in [*SNIPPETS.glob("*/tests.py"), *SNIPPETS.glob("*/tests/__init__.py")]
    )


def included_text(path: Path, section: str | None = None) -> str:
    """The text an include shows: the file or one section, markers removed."""
    shown, inside = [], section is None
    for line in path.read_text().splitlines():
        marker = SECTION.match(line)
        if marker and marker[2] == section:
            inside = marker[1] == "start"
        elif inside and not marker:
            shown.append(line)
    return textwrap.dedent("\n".join(shown))


def small_site(folder: Path, docs: dict[str, str], hooks: list[Path], **settings):
    """A small MkDocs project in folder: Material, the snippets extension with
    folder as its base, strict mode, the given hooks and pages (name -> text)."""
    (folder / "docs").mkdir()
    for name, text in docs.items():
        (folder / "docs" / name).write_text(text)
    config = {
        "site_name": "Small site",
        "theme": {"name": "material", "font": False},
        "hooks": [str(hook) for hook in hooks],
        "markdown_extensions": [
            "pymdownx.superfences",
            {"pymdownx.snippets": {"base_path": [str(folder)], "check_paths": True}},
        ],
        "strict": True,
        **settings,
    }
    # JSON is YAML, and the json module is there on every Django series: the
    # 5.2 environment has no MkDocs, and so no PyYAML, but imports this module.
    (folder / "mkdocs.yml").write_text(json.dumps(config, indent=1))


def build_site(out: Path) -> Path:
    """Run `mkdocs build --strict` into out; fail with MkDocs' own message."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return out


def built_site(tmp_path_factory) -> Path:
    """The built site: the one `make test` built just before (BUILT_SITE), or a
    new build, so that every check reads one build and none builds again."""
    if built := os.environ.get("BUILT_SITE"):
        return Path(built).resolve()
    return build_site(tmp_path_factory.mktemp("site"))
