"""A built copy of the site, served on 127.0.0.1, and Debian's Chromium.

Playwright drives the system browser (/usr/bin/chromium, installed with apt
by scripts/install-system-packages.sh); it never downloads one of its own.
"""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from scripts import static_server
from tests import pages

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these Chromium tries to reach Google's servers at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site_folder(tmp_path_factory):
    return pages.built_site(tmp_path_factory)


@pytest.fixture(scope="session")
def site_url(site_folder):
    url, server = static_server.start(site_folder)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: run make system-packages")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, site_url):
    context = browser.new_context(base_url=site_url)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
