"""The Run buttons' Python, run in Node: every demo prints its `#>` lines.

browser_runtime/run_in_node.mjs starts Python through the loader the pages'
Web Worker uses (browser_runtime/loader.mjs), from the files of the built
site, in one Node process for all: each demo a page can run must print
exactly its `#>` lines, each app's tests must pass through Django's test
runner, and nothing may be fetched from outside the site. What cannot run in
a browser is listed, with why, in browser_runtime/not_runnable.toml; each
entry there must still fail here, or it is taken off.
"""

import json
import shutil
import subprocess
import tomllib

import pytest

from tests import pages

RUNTIME = pages.ROOT / "browser_runtime"
NOT_RUNNABLE = tomllib.loads((RUNTIME / "not_runnable.toml").read_text())
DEMOS = pages.demo_files()
LABELS = pages.test_labels()


def key(demo) -> str:
    return demo.relative_to(pages.SNIPPETS).as_posix()


def jobs() -> list[dict]:
    """Every demo, then the app's tests, app by app: one Python per app."""
    found = []
    for app in sorted({d.parent.name for d in DEMOS} | set(LABELS)):
        for demo in (d for d in DEMOS if d.parent.name == app):
            code = demo.read_text()
            found.append({"app": app, "kind": "demo", "file": key(demo), "code": code})
        if app in LABELS:
            found.append({"app": app, "kind": "tests"})
    return found


def run_in_node(site, job_list) -> tuple[list[dict], list[str]]:
    """Results in the order of job_list, and the URLs that Node refused."""
    if not shutil.which("node"):
        pytest.fail("No node on the PATH: install Node.js 20 or newer (nodejs).")
    done = subprocess.run(
        ["node", RUNTIME / "run_in_node.mjs", site],
        input=json.dumps(job_list),
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line]
    if done.returncode or not lines or "refused" not in lines[-1]:
        pytest.fail(f"run_in_node.mjs failed ({done.returncode}):\n{done.stderr}")
    return lines[:-1], lines[-1]["refused"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    site = pages.built_site(tmp_path_factory)
    found, refused = run_in_node(site, jobs())
    assert not refused, f"Python in Node tried to fetch from outside the site: {refused}"
    return {(r["kind"], r.get("file") or r["app"]): r for r in found}


def where(demo) -> str:
    shown_on = ", ".join(pages.pages_including(demo)) or "no page"
    return f"snippets/{key(demo)} (shown on {shown_on})"


@pytest.mark.parametrize("demo", DEMOS, ids=key)
def test_each_demo_prints_its_lines_in_the_browser_runtime(demo, results):
    result = results["demo", key(demo)]
    why_not = NOT_RUNNABLE["demos"].get(key(demo))
    printed = result["stdout"]
    expected = pages.printed_output(demo)
    if why_not:
        assert not result["ok"] or printed != expected, (
            f"{where(demo)} runs in the browser runtime now: take it off "
            "[demos] in browser_runtime/not_runnable.toml"
        )
        return
    assert result["ok"], (
        f"{where(demo)} failed in the browser runtime. Fix it, or list it with "
        f"why under [demos] in browser_runtime/not_runnable.toml:\n{result['error']}"
    )
    assert printed == expected, (
        f"{where(demo)} printed other lines in the browser runtime than its #> "
        f"lines:\n--- printed\n{printed}\n--- #> lines\n{expected}\n"
        f"--- stderr\n{result['stderr']}"
    )


@pytest.mark.parametrize("app", LABELS)
def test_each_apps_tests_pass_in_the_browser_runtime(app, results):
    result = results["tests", app]
    why_not = NOT_RUNNABLE["tests"].get(app)
    failed = [t for t in result.get("tests", []) if t["outcome"] in ("failed", "error")]
    if why_not:
        assert not result["ok"], (
            f"the tests of snippets/{app}/ pass in the browser runtime now: take "
            "the app off [tests] in browser_runtime/not_runnable.toml"
        )
        return
    details = "\n\n".join(f"{t['test']}: {t['outcome']}\n{t['detail']}" for t in failed)
    assert result["ok"] and result.get("tests"), (
        f"the tests of snippets/{app}/ fail in the browser runtime. Fix them, or "
        "list the app with why under [tests] in browser_runtime/not_runnable.toml:"
        f"\n{result.get('error') or details}"
    )
