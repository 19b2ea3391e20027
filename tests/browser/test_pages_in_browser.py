"""Every page loads cleanly in a real browser and stays on this site."""

from urllib.parse import urlparse

import pytest

from tests import pages

ALL_PAGES = [pages.url_path(p) for p in pages.markdown_pages()]


@pytest.fixture(scope="module")
def reader(browser, site_url):
    """One browser profile for every page, as for a reader clicking around."""
    context = browser.new_context(base_url=site_url)
    yield context
    context.close()


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: p or "home")
def test_page_loads_without_errors_or_outside_requests(reader, site_url, path):
    page = reader.new_page()
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

    page.goto(path, wait_until="networkidle")
    page.close()

    source = f"docs/{path.rstrip('/') or 'index'}.md"
    assert not problems, f"{source}:\n" + "\n".join(problems)
