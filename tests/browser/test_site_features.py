"""The reader-facing features work: copy, colour scheme, tabs, layout.

Search is checked in test_search.py (what it finds) and test_keyboard.py
(the search box itself).
"""

import re

import pytest
from playwright.sync_api import expect

from tests import pages

PROFILE_PAGE = "guide/first-receiver/"


def test_copy_button_copies_exactly_the_included_section(context, page):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(PROFILE_PAGE)
    block = page.locator(
        ".highlight", has=page.locator(".filename", has_text="the receiver")
    )

    # Code blocks are mounted as they come into view (content.lazy): a reader
    # sees the block, and so its button, before clicking it.
    block.scroll_into_view_if_needed()
    block.locator("button[data-md-type=copy]").click()

    copied = page.evaluate("navigator.clipboard.readText()")
    expected = pages.included_text(
        pages.SNIPPETS / "profiles" / "signals.py", "receiver"
    )
    assert copied.rstrip("\n") == expected.rstrip("\n"), (
        "docs/guide/first-receiver.md: the copy button did not copy "
        "snippets/profiles/signals.py:receiver exactly"
    )


def scheme(page):
    return page.locator("body").get_attribute("data-md-color-scheme")


@pytest.mark.parametrize(
    ("system", "expected"), [("light", "default"), ("dark", "slate")]
)
def test_colour_scheme_starts_from_the_system_preference(
    browser, site_url, system, expected
):
    context = browser.new_context(base_url=site_url, color_scheme=system)
    page = context.new_page()
    page.goto("")
    assert scheme(page) == expected
    context.close()


def test_colour_toggle_switches_and_is_remembered(browser, site_url):
    context = browser.new_context(base_url=site_url, color_scheme="light")
    page = context.new_page()
    page.goto("")
    toggle = page.locator("form[data-md-component=palette] label:visible")

    toggle.click()  # automatic -> light
    toggle = page.locator("form[data-md-component=palette] label:visible")
    toggle.click()  # light -> dark
    assert scheme(page) == "slate"

    page.goto(PROFILE_PAGE)
    assert scheme(page) == "slate", "the chosen scheme was forgotten on the next page"
    context.close()


def test_content_tabs_switch(page):
    page.goto(PROFILE_PAGE)
    tabs = page.locator(".tabbed-set").first
    second_label = tabs.locator(".tabbed-labels label").nth(1)
    second_panel = tabs.locator(".tabbed-block").nth(1)
    expect(second_panel).to_be_hidden()

    second_label.click()

    expect(second_panel).to_be_visible()
    expect(tabs.locator(".tabbed-block").first).to_be_hidden()


@pytest.fixture
def phone(browser, site_url):
    context = browser.new_context(
        base_url=site_url, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    yield page
    context.close()


def test_narrow_layout_navigation_works(phone):
    phone.goto("")
    phone.get_by_role("button", name="Navigation").click()
    drawer = phone.locator("nav.md-nav--primary")
    drawer.locator("label.md-nav__link", has_text="Guide").click()  # open the section

    drawer.get_by_role("link", name="Create a profile for every new user").click()

    expect(phone).to_have_url(re.compile(re.escape(PROFILE_PAGE)))


def test_narrow_layout_code_scrolls_inside_its_box(phone):
    phone.goto(PROFILE_PAGE)
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360, f"the page itself scrolls sideways ({page_width}px wide)"
    overflowing = phone.evaluate(
        """[...document.querySelectorAll('pre > code')]
             .filter(code => code.scrollWidth > code.clientWidth)
             .map(code => getComputedStyle(code).overflowX)"""
    )
    assert overflowing, "no code block is wider than a phone: the check proves nothing"
    assert set(overflowing) == {"auto"}, overflowing


def test_notebook_page_shows_executed_output(page):
    page.goto("playground/")
    outputs = page.locator(".jp-OutputArea-output")
    expect(outputs.first).to_be_visible()
    text = " ".join(outputs.all_inner_texts())
    assert "pk after delete: None" in text, (
        "docs/playground.ipynb: the page does not show the executed output"
    )


def test_diagrams_render(page):
    page.goto("reference/signal-diagrams/")
    images = page.locator("article img[src$='.svg']")
    expect(images.first).to_be_visible()
    sizes = images.evaluate_all("imgs => imgs.map(i => [i.src, i.naturalWidth])")
    assert len(sizes) >= 12, f"expected a diagram per scenario, found {len(sizes)}"
    blank = [src for src, width in sizes if width == 0]
    assert not blank, (
        f"docs/reference/signal-diagrams.md: diagrams not rendered: {blank}"
    )


def test_copy_page_as_markdown_copies_the_pages_markdown(context, page, site_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("guide/testing/")
    page.get_by_role("link", name="Copy page as Markdown").click()
    expect(page.get_by_role("link", name="Copy page as Markdown")).to_have_attribute(
        "title", "Copied"
    )

    copied = page.evaluate("navigator.clipboard.readText()")
    published = page.request.get(f"{site_url}guide/testing.md").text()
    assert copied == published
    assert "--8<--" not in copied
    assert "def recorded(" in copied  # an included file, written out
