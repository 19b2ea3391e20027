"""Measure what the budgets in README.md promise; print one line per figure.

- make test: wall time in a fresh clone (first run, environment included)
  and again in the same clone (warm);
- mkdocs build --strict: wall time;
- live reload: saving a snippet file under `mkdocs serve` until the rebuilt
  page is served;
- page weight: gzip bytes a reader downloads per page (HTML, CSS, JS, fonts,
  images, search index), measured in Chromium through scripts/static_server.py;
- a Run button: bytes and time to the first output, cold and warm
  (scripts/measure_run_button.py).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import measure_run_button, static_server  # noqa: E402
from scripts.services import free_port  # noqa: E402
from tests import pages  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
MKDOCS = [sys.executable, "-m", "mkdocs"]


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, env=ENV, **kwargs)
    return time.perf_counter() - start


def test_times():
    with tempfile.TemporaryDirectory() as clone:
        subprocess.run(["git", "clone", "-q", ROOT, clone], check=True)
        quiet = {
            "cwd": clone,
            "stdout": subprocess.DEVNULL,
            "stderr": subprocess.DEVNULL,
        }
        return timed(["make", "test"], **quiet), timed(["make", "test"], **quiet)


def build_time(site):
    return timed([*MKDOCS, "build", "--strict", "--quiet", "-d", site], cwd=ROOT)


def live_reload_time():
    """Append a comment to a snippet shown on a page; wait until it is served."""
    snippet = pages.SNIPPETS / "profiles" / "models.py"
    original = snippet.read_text()
    marker = f"# bench {time.time_ns()}"
    port = free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # to stop make and mkdocs together
    )
    url = f"http://127.0.0.1:{port}/guide/first-receiver/"
    try:
        wait_for(url, lambda html: True, timeout=120)
        time.sleep(1)  # let the watcher settle after the first build
        start = time.perf_counter()
        snippet.write_text(original + marker + "\n")
        wait_for(url, lambda html: marker in html, timeout=120)
        return time.perf_counter() - start
    finally:
        snippet.write_text(original)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def wait_for(url, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url) as response:
                if condition(response.read().decode()):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not change within {timeout} s")


def page_weights(site):
    from playwright.sync_api import sync_playwright

    base, server = static_server.start(site)
    weights = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            for page_file in [*pages.markdown_pages(), *pages.DOCS.rglob("*.ipynb")]:
                path = pages.url_path(page_file)
                context = browser.new_context()  # an empty cache: a first visit
                page = context.new_page()
                sizes = []
                # On the context, not the page, so the search worker's
                # requests count too.
                context.on(
                    "requestfinished",
                    lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]),
                )
                page.goto(base + path, wait_until="networkidle")
                weights[path or "(home)"] = sum(sizes)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return weights


def main():
    with tempfile.TemporaryDirectory() as site:
        build = build_time(site)
        weights = page_weights(site)
        run_button = measure_run_button.measure(site)
    reload = live_reload_time()
    first, warm = test_times()
    heaviest = max(weights, key=weights.get)
    print(f"make test, fresh clone, first run: {first:6.1f} s")
    print(f"make test, same clone, warm:       {warm:6.1f} s")
    print(f"mkdocs build --strict:             {build:6.1f} s   (budget 10 s)")
    print(f"live reload after saving a snippet:{reload:6.1f} s   (budget 2 s)")
    print(
        f"page weight, heaviest page:        {weights[heaviest] / 1000:6.1f} KB "
        f"({heaviest}; budget 300 KB without a notebook)"
    )
    for path, size in sorted(weights.items(), key=lambda item: -item[1]):
        print(f"    {size / 1000:6.1f} KB  {path}")
    print("Run button, guide/first-receiver/:")
    for name, value in run_button.items():
        if not name.startswith(" "):
            print(f"    {name}: {value:,.2f}")


if __name__ == "__main__":
    main()
