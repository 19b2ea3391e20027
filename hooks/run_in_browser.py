"""Run buttons: a page's demos and an app's tests run in the reader's browser.

Under each code block that includes a demo (`--8<-- "snippets/<app>/demo*.py"`)
this hook puts a "Run this code" button, and under the first block on a page
that includes an app's tests a "Run the tests" button. A demo or an app that
cannot run in a browser tab gets a line saying why instead, from
browser_runtime/runs.toml, which also names the app a demo runs with when it
needs more than its own. An exercise page gets a "Try it here" section
before its solution: the solution's signals.py with the receivers emptied
(hooks/exercise_skeletons.py), to edit and test. docs/javascripts/run-code.js
makes the buttons work; nothing else loads until one is clicked.

The site then carries, under runtime/, what a click loads (loader.mjs says
what each file is): Pyodide and Django's wheels, fetched from the locks by
browser_runtime/fetch.py (`make browser-runtime`; a build runs it too when
they are missing), the page runner, and a manifest. The apps come from the
zips the "Use this app" boxes link to (downloads/<app>.zip).
"""

import html
import importlib.util
import io
import json
import mimetypes
import re
import subprocess
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from copyable_apps import EPOCH, apps, declaration
from exercise_skeletons import app_of, starting_point
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from page_includes import INCLUDE

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "browser_runtime"
RUNS = RUNTIME / "runs.toml"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)")
DEMO = re.compile(r"^snippets/(?P<app>[a-z_]+)/(?P<name>demo[a-z_]*\.py)$")
TESTS = re.compile(r"^snippets/(?P<app>[a-z_]+)/tests(\.py|/test_[a-z_]+\.py)$")

# `mkdocs serve` sends files with the types Python knows; a module Worker
# and WebAssembly need these two (scripts/static_server.py sets the same).
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")


def _fetch_module():
    spec = importlib.util.spec_from_file_location("fetch", RUNTIME / "fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fetch = _fetch_module()


@dataclass(frozen=True)
class Runs:
    """browser_runtime/runs.toml: what runs with which app, what cannot run."""

    demo_app: dict[str, str]  # "orders/demo.py" -> "loyalty"
    demos_cannot: dict[str, str]  # "async_receivers/demo.py" -> why
    tests_cannot: dict[str, str]  # "async_receivers" -> why

    def app_of(self, demo: str) -> str:
        return self.demo_app.get(demo, demo.split("/")[0])


def runs() -> Runs:
    data = tomllib.loads(RUNS.read_text())
    cannot = data.get("cannot_run", {})
    return Runs(
        data.get("demo_app", {}), cannot.get("demos", {}), cannot.get("tests", {})
    )


def python_zip() -> bytes:
    """browser_runtime/python/ as a zip: the same input gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((RUNTIME / "python").rglob("*.py")):
            entry = zipfile.ZipInfo(
                path.relative_to(RUNTIME / "python").as_posix(), date_time=EPOCH
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()


def manifest() -> dict:
    return {
        "wheels": [wheel.name for wheel in fetch.wheels()],
        "apps": {app: declaration(app).settings_code for app in apps()},
    }


def on_config(config):
    try:
        fetch.ensure()  # once per lock: nothing to do when the files are there
    except (OSError, SystemExit, subprocess.CalledProcessError) as error:
        raise PluginError(
            f"The Run buttons' runtime is missing and could not be fetched ({error}). "
            "Run `make browser-runtime` (browser_runtime/fetch.py), which needs npm "
            "and PyPI."
        ) from None


def on_files(files, config):
    def add(uri, source: Path):
        files.append(File.generated(config, uri, abs_src_path=str(source)))

    for name in fetch.PYODIDE_FILES:
        add(f"runtime/pyodide/{name}", fetch.pyodide_file(name))
    for wheel in fetch.wheels():
        add(f"runtime/wheels/{wheel.name}", wheel)
    for name in ("loader.mjs", "worker.mjs"):
        add(f"runtime/{name}", RUNTIME / name)
    files.append(File.generated(config, "runtime/python.zip", content=python_zip()))
    files.append(
        File.generated(
            config, "runtime/manifest.json", content=json.dumps(manifest(), indent=1)
        )
    )
    return files


LABELS = {"demo": "Run this code", "tests": "Run the tests"}
LABELS["exercise"] = "Run the exercise's tests"


# Neither the buttons nor the reasons are worth a place in the search index,
# which every page downloads.
def button(kind: str, app: str, file: str = "") -> str:
    label = LABELS[kind]
    data = f' data-file="{html.escape(file)}"' if file else ""
    return (
        '<button type="button" class="md-button md-button--primary run-code" '
        f'data-run="{kind}" data-app="{app}"{data} data-search-exclude>{label}</button>'
    )


TESTS_RUN = "Its tests run"


def unavailable(why: str, what: str = "Runs") -> str:
    line = f"{what} only in a project of your own: {why}."
    return f"*{line}*{{ .run-code-unavailable data-search-exclude }}"


def widgets(markdown: str, where: str) -> str:
    """The markdown with a button (or why not) after each block of a demo, and
    after the first block of each app's tests."""
    known = runs()
    lines, out = markdown.splitlines(), []
    tests_done: set[str] = set()
    fence, indent, found = None, "", []
    for line in lines:
        out.append(line)
        opening = FENCE.match(line)
        if fence is None:
            if opening:
                fence, indent, found = opening["fence"], opening["indent"], []
            continue
        if include := INCLUDE.match(line):
            found.append(include["path"])
            continue
        if not (opening and opening["fence"] == fence):
            continue
        fence = None
        for path in found:
            if demo := DEMO.match(path):
                key = f"{demo['app']}/{demo['name']}"
                why = known.demos_cannot.get(key)
                app = known.app_of(key)
                html_or_md = unavailable(why) if why else button("demo", app, key)
            elif (tests := TESTS.match(path)) and tests["app"] not in tests_done:
                tests_done.add(tests["app"])
                why = known.tests_cannot.get(tests["app"])
                html_or_md = (
                    unavailable(why, TESTS_RUN) if why else button("tests", tests[1])
                )
            else:
                continue
            out.extend(["", indent + html_or_md, ""])
    if fence is not None:
        raise PluginError(f"{where}: a code block opened with {fence} never closes")
    return "\n".join(out) + "\n"


def try_it_here(markdown: str, source: str, where: str) -> str:
    """An exercise page: its skeleton and a button, before "## Solution".

    The app is read from the page's source: hooks/use_this_app.py may have
    replaced its line already."""
    app = app_of(source)
    if app is None or "\n## Solution\n" not in markdown:
        raise PluginError(
            f"{where}: an exercise needs its `<!-- use this app: <app> -->` line "
            "(its solution app) and a `## Solution` heading, where the exercise "
            "to try goes before"
        )
    try:
        path, code = starting_point(app)
    except ValueError as error:
        raise PluginError(f"{where}: {error}") from None
    why = runs().tests_cannot.get(app)
    section = (
        "## Try it here\n\n"
        f"Write the receivers in `snippets/{path}`, then run the app's own tests "
        "against them, here in your browser. The rest of the app (models, "
        "tests) is the solution's.\n\n"
        f'```python title="Your snippets/{path}"\n{code}```\n\n'
        + (unavailable(why, TESTS_RUN) if why else button("exercise", app, path))
        + "\n\n"
    )
    return markdown.replace("\n## Solution\n", f"\n{section}## Solution\n", 1)


def on_page_markdown(markdown, page, config, files):
    where = f"docs/{page.file.src_uri}"
    if page.file.src_uri.startswith("exercises/") and page.file.name != "index":
        source = Path(page.file.abs_src_path).read_text()
        markdown = try_it_here(markdown, source, where)
    return widgets(markdown, where)
