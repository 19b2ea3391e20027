"""Measure a Run button in headless Chromium, on a built site served gzipped.

    python scripts/measure_run_button.py SITE [PAGE]

Prints the bytes the page transfers before any click, the bytes the first
Run fetches, the time from the click to the first line of output (cold: a
new browser context, nothing cached) and to the end of a second run (warm).
"""

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import static_server  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def measure(site, page_path="guide/first-receiver/"):
    from playwright.sync_api import expect, sync_playwright

    base, server = static_server.start(site)
    sizes, figures = [], {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            context = browser.new_context()
            context.on(
                "requestfinished",
                lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])),
            )
            page = context.new_page()
            page.goto(base + page_path, wait_until="networkidle")
            figures["page, before any click (bytes)"] = sum(s for _, s in sizes)
            seen = len(sizes)
            button = page.locator('button.run-code[data-run="demo"]').first
            button.scroll_into_view_if_needed()
            output = page.locator(".run-code-output").first
            status = page.locator(".run-code-status").first
            started = time.perf_counter()
            button.click()
            expect(output).not_to_be_empty(timeout=180_000)
            figures["cold: click to first output (s)"] = time.perf_counter() - started
            expect(status).to_have_text(re.compile("^Done"), timeout=60_000)
            figures["first Run fetched (bytes)"] = sum(s for _, s in sizes[seen:])
            started = time.perf_counter()
            button.click()
            expect(status).to_have_text(re.compile("^Done"), timeout=60_000)
            expect(output).not_to_be_empty()
            figures["warm: click to done (s)"] = time.perf_counter() - started
            for url, size in sizes[seen:]:
                figures[f"    {url.removeprefix(base)} (bytes)"] = size
            browser.close()
    finally:
        server.shutdown()
    return figures


if __name__ == "__main__":
    for name, value in measure(*sys.argv[1:]).items():
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"{name}: {shown}")
