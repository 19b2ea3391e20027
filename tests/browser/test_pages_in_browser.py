"""Every page loads cleanly in a real browser, stays on this site, and passes
axe-core (WCAG 2.2 AA and best practices) in both colour schemes.

axe-core is pinned in tests/audit/package.json, beside Lighthouse; the
Makefile installs both with `npm ci` before the browser tests run.
"""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests import pages

ALL_PAGES = [*pages.markdown_pages(), pages.DOCS / "playground.ipynb"]
AXE = pages.ROOT / "tests" / "audit" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# The page is the same in both schemes but for its colours: every rule runs
# in the light scheme, and the rules about colour run again in the dark one.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_RUNS = {
    "light": {"type": "tag", "values": AXE_TAGS},
    "dark": {"type": "rule", "values": COLOUR_RULES},
}
SCHEMES = {"light": "default", "dark": "slate"}  # system setting -> Material's


@pytest.fixture(scope="module")
def reader(browser, site_url):
    """One browser profile for every page, as for a reader clicking around."""
    if not AXE.is_file():
        pytest.fail(f"No {AXE.relative_to(pages.ROOT)}: run `make test` (npm ci)")
    context = browser.new_context(base_url=site_url)
    yield context
    context.close()


def watch(page, site_url):
    """Record every outside request, failed load and script error on the page."""
    problems = []
    local = urlparse(site_url).netloc

    def check_request(route):
        url = urlparse(route.request.url)
        if url.scheme in ("http", "https") and url.netloc != local:
            problems.append(f"request to another host: {route.request.url}")
            return route.abort()
        return route.continue_()

    page.route("**/*", check_request)
    page.on(
        "console", lambda m: m.type == "error" and problems.append(f"console: {m.text}")
    )
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on(
        "requestfailed",
        lambda r: problems.append(f"failed request: {r.url} ({r.failure})"),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
    )
    return problems


def axe_violations(page, run_only):
    # Only violations are detailed: listing every passing node of a page with
    # thousands of highlighted tokens takes longer than checking them.
    options = {"runOnly": run_only, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(options)", options)
    return [
        f"{v['id']} ({v['help']}), {len(v['nodes'])}x: "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("page_file", ALL_PAGES, ids=pages.name)
def test_page_loads_cleanly_and_passes_axe_in_both_schemes(reader, site_url, page_file):
    page = reader.new_page()
    problems = watch(page, site_url)
    page.goto(pages.url_path(page_file), wait_until="networkidle")
    page.add_script_tag(path=AXE)
    # Colours are checked once the scheme has switched, not mid-transition.
    page.add_style_tag(content="*, ::before, ::after { transition: none !important }")
    for system, scheme in SCHEMES.items():  # the site follows the system
        page.emulate_media(color_scheme=system)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)
        found = axe_violations(page, AXE_RUNS[system])
        problems += [f"axe, {system}: {v}" for v in found]
    page.close()

    assert not problems, f"{pages.name(page_file)}:\n" + "\n".join(problems)
