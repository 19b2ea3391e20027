"""The Run buttons' Python, run in Node: every demo prints its `#>` lines.

browser_runtime/run_in_node.mjs starts Python through the loader the pages'
Web Worker uses (browser_runtime/loader.mjs), from the files of the built
site, in two Node processes, one Python per app: each demo a page can run
must print exactly its `#>` lines, each app's tests must pass through
Django's test runner, each exercise's starting point must fail them and its
solution pass, and nothing may be fetched from outside the site. What cannot run in
a browser is listed, with why, in browser_runtime/runs.toml; each entry
there must still fail here, or it is taken off.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile

import pytest
from exercise_skeletons import app_of, starting_point
from run_in_browser import runs

from scripts.services import free_port
from tests import pages

RUNTIME = pages.ROOT / "browser_runtime"
NODE_PROCESSES = 2  # the cores of the machines this project is built on
RUNS = runs()
LIST = "browser_runtime/runs.toml"
# Each exercise page's solution app, whose tests run in the browser.
EXERCISES = {
    app: page
    for page in sorted((pages.DOCS / "exercises").glob("*.md"))
    if (app := app_of(page.read_text())) and app not in RUNS.tests_cannot
}


def solution(app) -> dict[str, str]:
    """The exercise's file as the solution has it, given as the reader's code."""
    path, _ = starting_point(app)
    return {path: (pages.SNIPPETS / path).read_text()}


DEMOS = pages.demo_files()
LABELS = pages.apps_with_tests()


def key(demo) -> str:
    return demo.relative_to(pages.SNIPPETS).as_posix()


def jobs() -> list[dict]:
    """Every demo, then the app's tests, app by app: one Python per app.

    An exercise's app runs with its solution's file given as the reader's
    (the one Python runs its demos and the solution's tests), and once more
    with the skeleton the page starts from."""
    found = [
        {
            "app": RUNS.app_of(key(d)),
            "kind": "demo",
            "file": key(d),
            "code": d.read_text(),
        }
        for d in DEMOS
    ]
    found += [{"app": app, "kind": "tests"} for app in LABELS]
    for job in found:
        if job["app"] in EXERCISES:
            job["files"] = solution(job["app"])
    for app in EXERCISES:
        path, code = starting_point(app)
        found.append({"app": app, "kind": "skeleton", "files": {path: code}})
    return sorted(found, key=lambda job: (job["app"], job["kind"] == "skeleton"))


def run_in_node(site, job_list, folder) -> tuple[list[dict], list[str]]:
    """The results, and the URLs that Node refused to fetch.

    The apps are shared between NODE_PROCESSES processes, each app's jobs in
    one: a Python start costs seconds, and this is the suite's longest file."""
    if not shutil.which("node"):
        pytest.fail("No node on the PATH: install Node.js 18 or newer (nodejs).")
    apps = sorted({job["app"] for job in job_list})
    running = []
    for n in range(NODE_PROCESSES):
        share = [
            job for job in job_list if apps.index(job["app"]) % NODE_PROCESSES == n
        ]
        (folder / f"jobs-{n}.json").write_text(json.dumps(share))
        with (
            open(folder / f"jobs-{n}.json") as jobs_in,
            open(folder / f"results-{n}.jsonl", "w") as results_out,
            open(folder / f"errors-{n}.txt", "w") as errors_out,
        ):
            command = ["node", RUNTIME / "run_in_node.mjs", site]
            running.append(
                subprocess.Popen(
                    command, stdin=jobs_in, stdout=results_out, stderr=errors_out
                )
            )
    found, refused = [], []
    for n, process in enumerate(running):
        returncode = process.wait(timeout=900)
        text = (folder / f"results-{n}.jsonl").read_text()
        lines = [json.loads(line) for line in text.splitlines() if line]
        if returncode or not lines or "refused" not in lines[-1]:
            errors = (folder / f"errors-{n}.txt").read_text()
            pytest.fail(f"run_in_node.mjs failed ({returncode}):\n{errors}")
        found += lines[:-1]
        refused += lines[-1]["refused"]
    return found, refused


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    site = pages.built_site(tmp_path_factory)
    found, refused = run_in_node(site, jobs(), tmp_path_factory.mktemp("node"))
    assert not refused, (
        f"Python in Node tried to fetch from outside the site: {refused}"
    )
    return {(r["kind"], r.get("file") or r["app"]): r for r in found}


@pytest.mark.parametrize("demo", DEMOS, ids=key)
def test_each_demo_on_a_page_has_a_run_button_or_says_why_not(demo, tmp_path_factory):
    site = pages.built_site(tmp_path_factory)
    why_not = RUNS.demos_cannot.get(key(demo))
    shown = why_not or f'data-file="{key(demo)}"'
    for include in [
        i for i in pages.all_includes() if i.path == f"snippets/{key(demo)}"
    ]:
        html = (site / pages.built_path(include.page)).read_text()
        assert shown in html, f"{include.where}: no Run button, nor why, under the demo"


def test_each_app_whose_tests_run_in_a_browser_has_a_button(tmp_path_factory):
    site = pages.built_site(tmp_path_factory)
    html = "".join(path.read_text() for path in site.rglob("index.html"))
    missing = [
        app
        for app in LABELS
        if app not in RUNS.tests_cannot
        and f'data-run="tests" data-app="{app}"' not in html
    ]
    assert not missing, (
        f"no page has a Run the tests button for {missing}: include a test file "
        "of the app on a page (hooks/run_in_browser.py puts it under the first)"
    )


def where(demo) -> str:
    shown_on = ", ".join(pages.pages_including(demo)) or "no page"
    return f"snippets/{key(demo)} (shown on {shown_on})"


@pytest.mark.parametrize("demo", DEMOS, ids=key)
def test_each_demo_prints_its_lines_in_the_browser_runtime(demo, results):
    result = results["demo", key(demo)]
    why_not = RUNS.demos_cannot.get(key(demo))
    printed = result["stdout"]
    expected = pages.printed_output(demo)
    if why_not:
        assert not result["ok"] or printed != expected, (
            f"{where(demo)} runs in the browser runtime now: take it off "
            f"[cannot_run.demos] in {LIST}"
        )
        return
    assert result["ok"], (
        f"{where(demo)} failed in the browser runtime. Fix it, or list it with "
        f"why under [cannot_run.demos] in {LIST}:\n{result['error']}"
    )
    assert printed == expected, (
        f"{where(demo)} printed other lines in the browser runtime than its #> "
        f"lines:\n--- printed\n{printed}\n--- #> lines\n{expected}\n"
        f"--- stderr\n{result['stderr']}"
    )


@pytest.mark.parametrize("app", sorted(EXERCISES))
def test_each_exercises_skeleton_fails_its_tests_and_its_solution_passes(app, results):
    page = pages.name(EXERCISES[app])
    skeleton, with_solution = results["skeleton", app], results["tests", app]
    failed = [t for t in skeleton.get("tests", []) if t["outcome"] != "passed"]
    assert not skeleton["ok"] and failed, (
        f"{page}: the tests of snippets/{app}/ pass (or do not run) with the "
        "skeleton the page starts from (hooks/exercise_skeletons.py): the "
        f"exercise has nothing to do.\n{skeleton.get('error', '')}"
    )
    assert with_solution["ok"], (
        f"{page}: the solution's snippets/{starting_point(app)[0]}, given as the "
        "reader's code, fails the app's tests in the browser runtime"
    )


@pytest.mark.parametrize("app", LABELS)
def test_each_apps_tests_pass_in_the_browser_runtime(app, results):
    result = results["tests", app]
    why_not = RUNS.tests_cannot.get(app)
    failed = [t for t in result.get("tests", []) if t["outcome"] in ("failed", "error")]
    if why_not:
        assert not result["ok"], (
            f"the tests of snippets/{app}/ pass in the browser runtime now: take "
            f"the app off [cannot_run.tests] in {LIST}"
        )
        return
    details = "\n\n".join(f"{t['test']}: {t['outcome']}\n{t['detail']}" for t in failed)
    assert result["ok"] and result.get("tests"), (
        f"the tests of snippets/{app}/ fail in the browser runtime. Fix them, or "
        f"list the app with why under [cannot_run.tests] in {LIST}:"
        f"\n{result.get('error') or details}"
    )


def test_the_runtime_holds_python_as_bytecode_only(tmp_path_factory):
    """Compiled at fetch time (browser_runtime/compile_archives.mjs): from
    source, every Python a Run button starts compiles each module it imports."""
    runtime = pages.built_site(tmp_path_factory) / "runtime"
    archives = [runtime / "pyodide" / "python_stdlib.zip"]
    archives += sorted((runtime / "wheels").glob("*.whl"))
    for archive in archives:
        names = zipfile.ZipFile(archive).namelist()
        sources = [name for name in names if name.endswith(".py")]
        assert not sources and any(name.endswith(".pyc") for name in names), (
            f"{archive.relative_to(runtime.parent)} holds Python source "
            f"({sources[:3]}): run `make browser-runtime`, which compiles it"
        )


def test_mkdocs_serve_sends_the_runtime_with_the_types_a_browser_needs(tmp_path):
    """A module Worker needs JavaScript, and WebAssembly application/wasm."""
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=pages.ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "guide/first-receiver/", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"mkdocs serve did not answer:\n{log.read_text()}")
                time.sleep(0.5)
        for path, kind in [
            ("javascripts/run-code.js", "javascript"),
            ("runtime/worker.mjs", "javascript"),
            ("runtime/loader.mjs", "javascript"),
            ("runtime/pyodide/pyodide.mjs", "javascript"),
            ("runtime/pyodide/pyodide.asm.wasm", "application/wasm"),
        ]:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                sent = response.headers["Content-Type"]
            assert kind in sent, f"mkdocs serve sends {path} as {sent}, not {kind}"
    finally:
        server.terminate()
        server.wait(timeout=30)
