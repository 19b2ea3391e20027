"""The Run buttons run a page's demo, and an app's tests, in the browser.

Python (Pyodide) and Django load only when a button is clicked, from the
site itself: before the click no runtime file has been fetched, and no
request ever leaves 127.0.0.1.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from scripts import static_server
from tests import pages
from tests.browser.test_pages_in_browser import AXE, AXE_RUNS

RUNTIME_FILE = re.compile(r"(\.wasm|/pyodide[^/]*|\.whl|\.zip|/runtime/)([?#]|$)")
FIRST_RUN_MS = 120_000

# One page per section of the docs that has Run buttons, and its demo.
DEMO_PAGES = [
    ("guide/first-receiver/", "profiles/demo.py"),
    ("exercises/title-case-titles/", "blog/demo.py"),
]


@pytest.fixture
def requests(context):
    seen = []
    context.on("request", lambda request: seen.append(request.url))
    return seen


def outside(urls):
    return [u for u in urls if urlsplit(u).hostname not in (None, "127.0.0.1")]


def run_button(page, data_file=None, kind="demo"):
    """The button, in view: a collapsed block around it is opened first."""
    selector = f'button.run-code[data-run="{kind}"]'
    if data_file:
        selector += f'[data-file="{data_file}"]'
    button = page.locator(selector).first
    closed = page.locator("details:not([open])", has=button)
    if closed.count():
        closed.locator("> summary").click()
    button.scroll_into_view_if_needed()
    return button


def panel_violations(page, run_only):
    """axe's violations in the Run panels; test_pages_in_browser checks the rest."""
    result = page.evaluate(
        "([include, options]) => axe.run({include}, options)",
        [[".run-code-panel"], {"runOnly": run_only, "resultTypes": ["violations"]}],
    )
    found = result["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found]


@pytest.mark.parametrize(("url", "demo"), DEMO_PAGES)
def test_run_shows_what_the_demo_prints_and_loads_nothing_before(
    page, requests, url, demo
):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    before = [u for u in requests if RUNTIME_FILE.search(urlsplit(u).path)]
    assert not before, f"{url} loaded runtime files before any click: {before}"

    run_button(page, demo).click()
    panel = page.locator(".run-code-panel").first
    expect(panel.locator(".run-code-status")).to_have_text(
        re.compile(r"^Done in"), timeout=FIRST_RUN_MS
    )
    expected = pages.printed_output(pages.SNIPPETS / demo)
    assert panel.locator(".run-code-output").inner_text().rstrip("\n") == expected, (
        f"{url}: Run on snippets/{demo} did not show its #> lines"
    )
    assert not outside(requests), f"{url}: requests left 127.0.0.1: {outside(requests)}"


def test_edited_code_runs_and_an_exception_shows_its_traceback(page, requests):
    page.goto("guide/first-receiver/")
    button = run_button(page, "profiles/demo.py")
    button.click()
    panel = page.locator(".run-code-panel").first
    status = panel.locator(".run-code-status")
    expect(status).to_have_text(re.compile(r"^Done in"), timeout=FIRST_RUN_MS)

    editor = panel.get_by_label(re.compile("^Edit profiles/demo.py"))
    editor.fill("print(User.objects.count())\n")
    editor.press("Control+Enter")
    expect(status).to_have_text(re.compile(r"^Failed"))
    expect(panel.locator(".run-code-error")).to_contain_text("NameError")
    # The editor, the output and the error box pass axe, in both colour schemes.
    page.add_script_tag(path=AXE)
    for system, scheme in (("light", "default"), ("dark", "slate")):
        page.emulate_media(color_scheme=system)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
        found = panel_violations(page, AXE_RUNS[system])
        assert not found, f"guide/first-receiver/ after a failed Run, {system}: {found}"

    editor.fill(
        "from django.contrib.auth.models import User\nprint(User.objects.count())\n"
    )
    button.click()
    expect(status).to_have_text(re.compile(r"^Done in"))
    # A fresh database each run: the users of the first run are gone.
    assert panel.locator(".run-code-output").inner_text().strip() == "0"

    panel.get_by_role("button", name="Reset").click()
    assert editor.input_value().startswith("from django.contrib.auth import")
    assert not outside(requests), f"requests left 127.0.0.1: {outside(requests)}"


def test_run_the_tests_lists_each_test_passed(page, requests):
    page.goto("guide/first-receiver/")
    run_button(page, kind="tests").click()
    panel = page.locator(".run-code-panel").first
    expect(panel.locator(".run-code-status")).to_have_text(
        re.compile(r"^\d+ tests, 0 failed, 0 errors"), timeout=FIRST_RUN_MS
    )
    outcomes = panel.locator(".run-code-tests li").evaluate_all(
        "items => items.map(item => item.dataset.outcome)"
    )
    assert outcomes and set(outcomes) <= {"passed", "skipped"}, outcomes
    assert not outside(requests), f"requests left 127.0.0.1: {outside(requests)}"


def test_an_exercise_fails_as_given_and_passes_with_the_solution(page, requests):
    page.goto("exercises/title-case-titles/")
    button = run_button(page, "blog/signals.py", kind="exercise")
    button.click()
    panel = page.locator(".run-code-panel").first
    status = panel.locator(".run-code-status")
    expect(status).to_have_text(re.compile(r"^Failed"), timeout=FIRST_RUN_MS)
    expect(
        panel.locator('.run-code-tests li[data-outcome="error"]').first
    ).to_contain_text("title_case")

    editor = panel.get_by_label(re.compile("^Edit blog/signals.py"))
    editor.fill((pages.SNIPPETS / "blog" / "signals.py").read_text())
    button.click()
    expect(status).to_have_text(
        re.compile(r"^\d+ tests, 0 failed, 0 errors"), timeout=FIRST_RUN_MS
    )
    assert not outside(requests), f"requests left 127.0.0.1: {outside(requests)}"


def test_run_works_from_a_subpath_as_on_github_pages(browser, site_folder, tmp_path):
    """A project site lives under /<repository>/: every URL must be relative."""
    (tmp_path / "django-signals-guide").symlink_to(site_folder)
    base, server = static_server.start(tmp_path)
    context = browser.new_context(base_url=base)
    seen = []
    context.on("request", lambda request: seen.append(urlsplit(request.url).path))
    try:
        page = context.new_page()
        page.goto("django-signals-guide/guide/first-receiver/")
        run_button(page, "profiles/demo.py").click()
        expect(page.locator(".run-code-status").first).to_have_text(
            re.compile(r"^Done in"), timeout=FIRST_RUN_MS
        )
    finally:
        context.close()
        server.shutdown()
    elsewhere = [p for p in seen if not p.startswith("/django-signals-guide/")]
    assert not elsewhere, f"fetched outside the site's subpath: {elsewhere}"
