"""Run buttons: a page's demos and an app's tests run in the reader's browser.

Under each code block that includes a demo (`--8<-- "snippets/<app>/demo*.py"`)
this hook puts a "Run this code" button, and under the first block on a page
that includes an app's tests a "Run the tests" button. A demo or an app that
cannot run in a browser tab gets a line saying why instead, from
browser_runtime/not_runnable.toml. docs/javascripts/run-code.js makes the
buttons work; nothing else loads until one is clicked.

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
import tomllib
import zipfile
from pathlib import Path

from copyable_apps import EPOCH, apps, declaration
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from page_includes import INCLUDE

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "browser_runtime"
NOT_RUNNABLE = RUNTIME / "not_runnable.toml"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)")
DEMO = re.compile(r"^snippets/(?P<app>[a-z_]+)/(?P<name>demo[a-z_]*\.py)$")
TESTS = re.compile(r"^snippets/(?P<app>[a-z_]+)/tests(\.py|/test_[a-z_]+\.py)$")

# `mkdocs serve` sends files with the types Python knows; a module Worker
# and WebAssembly need these two (scripts/static_server.py uses them too).
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")


def _fetch_module():
    spec = importlib.util.spec_from_file_location("fetch", RUNTIME / "fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fetch = _fetch_module()


def not_runnable() -> dict[str, dict[str, str]]:
    """{"demos": {"app/demo.py": why}, "tests": {"app": why}}."""
    data = tomllib.loads(NOT_RUNNABLE.read_text())
    return {"demos": data.get("demos", {}), "tests": data.get("tests", {})}


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
    fetch.ensure()  # once per lock: nothing to do when the files are there


def on_files(files, config):
    def add(uri, source: Path):
        files.append(File.generated(config, uri, abs_src_path=str(source)))

    for name in fetch.PYODIDE_FILES:
        add(f"runtime/pyodide/{name}", fetch.PYODIDE / name)
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


def button(kind: str, app: str, file: str = "") -> str:
    label = "Run this code" if kind == "demo" else "Run the tests"
    data = f' data-file="{html.escape(file)}"' if file else ""
    return (
        f'<button type="button" class="md-button run-code" data-run="{kind}" '
        f'data-app="{app}"{data}>{label}</button>'
    )


def unavailable(why: str) -> str:
    return f"*Runs only in a project of your own: {why}.*{{ .run-code-unavailable }}"


def widgets(markdown: str, where: str) -> str:
    """The markdown with a button (or the reason) after each demo block."""
    skipped = not_runnable()
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
                why = skipped["demos"].get(key)
                html_or_md = unavailable(why) if why else button("demo", demo[1], key)
            elif (tests := TESTS.match(path)) and tests["app"] not in tests_done:
                tests_done.add(tests["app"])
                why = skipped["tests"].get(tests["app"])
                html_or_md = unavailable(why) if why else button("tests", tests[1])
            else:
                continue
            out.extend(["", indent + html_or_md, ""])
    if fence is not None:
        raise PluginError(f"{where}: a code block opened with {fence} never closes")
    return "\n".join(out) + "\n"


def on_page_markdown(markdown, page, config, files):
    return widgets(markdown, f"docs/{page.file.src_uri}")
