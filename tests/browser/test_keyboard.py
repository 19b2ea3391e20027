"""Every page can be used with the keyboard alone (issue 14).

Nothing here clicks: each test moves with Tab, Enter, Space, Escape, the
arrow keys and Material's "/" and "s" shortcuts, as a reader without a mouse
does, and checks what they see: the skip link, search, the navigation drawer
on a phone, content tabs, code and tables that scroll sideways, and a visible
focus indicator wherever the focus goes.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests import pages
from tests.browser.test_pages_in_browser import ALL_PAGES

PHONE = {"width": 360, "height": 740}
HOME = pages.DOCS / "index.md"
# One page per section; each shows code or tables too wide for a phone.
PAGE_PER_SECTION = [
    pages.DOCS / "guide" / "first-receiver.md",
    pages.DOCS / "exercises" / "group-membership.md",
    pages.DOCS / "reference" / "signals.md",
]
TABS_PAGE = pages.DOCS / "guide" / "first-receiver.md"  # === "Your project"
MAX_TABS = 250  # more Tab presses than any page has stops

# What the focused element is, for a failure message.
DESCRIBE = """e => {
  if (!e || e === document.body) return "nothing (the page itself)"
  const text = (e.getAttribute("aria-label") || e.innerText || e.value || "")
  return `<${e.tagName.toLowerCase()}${e.className ? ` class="${e.className}"` : ""}>`
    + ` ${JSON.stringify(text.trim().split("\\n")[0].slice(0, 50))}`
}"""
# A radio button that Material hides and draws as a label shows the focus on
# that label (the colour toggle: the label after it) or, for content tabs, on
# the row of tab labels.
DRAWN_BY = """e => {
  const drawn_by = [e, ...(e.labels || [])]
  const next = e.nextElementSibling
  if (next instanceof HTMLLabelElement) drawn_by.push(next)
  if (e.matches(".tabbed-set > input"))
    drawn_by.push(e.parentElement.querySelector(":scope > .tabbed-labels"))
  return drawn_by
}"""
# Whether the reader can see the focused element (or what draws it):
# rendered, not see-through, and on the screen. (Opacity is animated: the
# caller waits for it, or turns transitions off.)
IS_SEEN = f"""() => ({DRAWN_BY})(document.activeElement).some(e => {{
  if (!e.checkVisibility({{opacityProperty: true, visibilityProperty: true}}))
    return false
  const box = e.getBoundingClientRect()
  return box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
    && box.left < innerWidth && box.top < innerHeight
}})"""
# One step of a walk round the page, run after each Tab. The focus shows on
# an element (or what draws it) if it has an outline or a shadow while
# focused that it no longer has once the focus has moved on: compared with
# itself, so that a shadow it always has (the line under content tabs) does
# not count. So each step judges the stop before it, and remembers this one.
# A text field shows its caret instead (Material's search field also opens
# the search dialog around it).
FOCUS_STEP = f"""() => {{
  const drawn = ({DRAWN_BY})
  const marks = els => els.map(x => {{
    const s = getComputedStyle(x)
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
    return (outline ? [s.outlineStyle, s.outlineWidth, s.outlineColor].join() : "")
      + (s.boxShadow !== "none" ? s.boxShadow : "")
  }})
  const before = window.focusWalk, e = document.activeElement
  const step = {{here: ({DESCRIBE})(e), seen: ({IS_SEEN})()}}
  if (before) {{
    const after = marks(before.drawn)
    step.before = before.here
    step.beforeShowed = before.caret
      || before.marks.some((mark, i) => mark && mark !== after[i])
  }}
  const drawnHere = drawn(e)
  window.focusWalk = {{
    here: step.here, drawn: drawnHere, marks: marks(drawnHere),
    caret: e.matches("input[type=text], input[type=search]"),
  }}
  return step
}}"""
# Every element in the page's content that scrolls sideways now, in order.
# (Not the thousands of highlighted tokens inside a code block: only its
# <code> may scroll.)
SCROLLERS = """() => [...document.querySelectorAll(
  ".md-content :is(pre > code, :not(pre *))"
)].filter(e => {
  const overflow = getComputedStyle(e).overflowX
  return (overflow === "auto" || overflow === "scroll")
    && e.scrollWidth > e.clientWidth + 1
})"""
NOT_FOCUSABLE = f"""() => ({SCROLLERS})().filter(e => e.tabIndex < 0).map(e =>
  `<${{e.tagName.toLowerCase()}} class="${{e.className}}">, starting `
  + JSON.stringify(e.innerText.trim().slice(0, 40)))"""


def describe_focus(page):
    return page.evaluate(f"({DESCRIBE})(document.activeElement)")


def press_tab_until(page, target, where, limit=MAX_TABS, seen=False):
    """Press Tab until `target` (a locator) has the focus; fail saying where
    the focus went instead. With `seen`, every stop on the way must show."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if seen:
            assert_focus_is_seen(page, where)
        if target.evaluate_all("els => els.includes(document.activeElement)"):
            return
        stops.append(describe_focus(page))
    pytest.fail(
        f"{where}: {limit} presses of Tab never reached {target}; the focus went "
        f"to: {', '.join(stops[:12])}{' ...' if len(stops) > 12 else ''}"
    )


def assert_focus_is_seen(page, where):
    try:
        page.wait_for_function(IS_SEEN, timeout=3000)  # past any slide or fade
    except PlaywrightTimeout:
        box = page.evaluate("""() => { const e = document.activeElement,
            b = e.getBoundingClientRect(), s = getComputedStyle(e)
            return `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x`
              + `${Math.round(b.height)}, opacity ${s.opacity}, ${s.visibility}` }""")
        pytest.fail(
            f"{where}: Tab moved the focus to {describe_focus(page)} ({box}), "
            "which the reader cannot see (hidden, transparent or off the "
            "screen): take hidden things out of the tab order (visibility: hidden)"
        )


def skip_to_content(page, where):
    """The first Tab shows the skip link; Enter on it skips the header."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip, f"{where}: the first Tab must focus 'Skip to content'").to_be_focused()
    assert_focus_is_seen(page, where)
    page.keyboard.press("Enter")


@pytest.fixture
def phone(browser, site_url):
    context = browser.new_context(base_url=site_url, viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_mouse(browser, site_url):
    """A phone with a keyboard: no hover, so Material treats it as touch-only."""
    context = browser.new_context(
        base_url=site_url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def phone_tab(browser, site_url):
    """One phone-sized tab, for a quick look at every page. It does not load
    the search index: building it costs each page more than the look does."""
    context = browser.new_context(base_url=site_url, viewport=PHONE)
    context.route(re.compile(r"/search/search_index\.json$"), lambda r: r.abort())
    yield context.new_page()
    context.close()


# 1. The skip link.


@pytest.mark.parametrize("page_file", [HOME, *PAGE_PER_SECTION], ids=pages.name)
def test_first_tab_shows_the_skip_link_and_enter_skips_to_the_article(page, page_file):
    where = pages.name(page_file)
    page.goto(pages.url_path(page_file))

    skip_to_content(page, where)

    expect(page.locator("article h1")).to_be_in_viewport()
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('article')"), (
        f"{where}: after Enter on 'Skip to content' the next Tab went to "
        f"{describe_focus(page)}, not into the article"
    )


# 2. Search.


def wait_for_results(page, results):
    """Until the results stop changing: each key typed renders them anew, and
    a result that had the focus would go with the old list."""
    expect(results.first).to_be_visible()
    before = None
    for _ in range(40):
        now = results.evaluate_all("links => links.map(link => link.href).join()")
        if now == before:
            return
        before = now
        page.wait_for_timeout(150)
    pytest.fail("search results kept changing for 6 s")


def test_search_from_the_keyboard(page):
    page.goto("")
    search = page.locator("input.md-search__input")

    page.keyboard.press("/")
    expect(search, "'/' must put the focus in the search field").to_be_focused()
    page.keyboard.type("m2m_changed", delay=20)
    results = page.locator(".md-search-result__item [href]")
    wait_for_results(page, results)

    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.href")
    assert results.evaluate_all("els => els.includes(document.activeElement)"), (
        f"ArrowDown in search focused {describe_focus(page)}, not the first result"
    )
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.href")
    assert second != first, "a second ArrowDown did not move to the next result"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.href") == first, (
        "ArrowUp did not move back to the first result"
    )

    page.keyboard.press("Enter")
    target = re.sub(r"[?#].*", "", first)
    expect(page).to_have_url(re.compile(re.escape(target)))
    page.wait_for_load_state()
    expect(page.locator(".md-search__overlay")).to_be_hidden()

    page.keyboard.press("s")
    expect(search, "'s' must put the focus in the search field").to_be_focused()
    page.keyboard.type("post_save", delay=20)
    wait_for_results(page, results)
    page.keyboard.press("Escape")
    expect(search, "Escape must leave the search field").not_to_be_focused()
    expect(page.locator("#__search"), "Escape must close search").not_to_be_checked()
    expect(results.first).to_be_hidden()


# 3. The navigation drawer on a phone.


def test_navigation_drawer_from_the_keyboard(phone):
    where = "the navigation drawer at 360px (overrides/partials/header.html)"
    phone.goto("")
    menu = phone.locator(".md-header").get_by_role("button", name="Navigation")
    drawer = phone.locator("#__drawer")
    nav = phone.locator("nav.md-nav--primary")

    press_tab_until(phone, menu, where, limit=4)
    assert_focus_is_seen(phone, where)
    phone.keyboard.press("Enter")
    expect(drawer, f"{where}: Enter on the menu button").to_be_checked()
    expect(menu).to_have_attribute("aria-expanded", "true")

    # Into the Guide section, then to one of its pages; every stop visible.
    guide = nav.locator("label.md-nav__link", has_text="Guide")
    press_tab_until(phone, guide, where, limit=10, seen=True)
    phone.keyboard.press("Enter")
    link = nav.get_by_role("link", name="Create a profile for every new user")
    press_tab_until(phone, link, where, limit=10, seen=True)
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(re.escape("guide/first-receiver/")))
    expect(drawer, "the drawer must close on the new page").not_to_be_checked()

    # Space opens it as well, and Escape closes it, back on the button.
    press_tab_until(phone, menu, where, limit=4)
    phone.keyboard.press(" ")
    expect(drawer, f"{where}: Space on the menu button").to_be_checked()
    phone.keyboard.press("Escape")
    expect(drawer, f"{where}: Escape must close the drawer").not_to_be_checked()
    expect(menu, "Escape must give the focus back to the menu button").to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")


# 4. Content tabs.


def test_content_tabs_switch_with_the_arrow_keys(page):
    where = pages.name(TABS_PAGE)
    page.goto(pages.url_path(TABS_PAGE))
    tabs = page.locator(".tabbed-set").first
    panels = tabs.locator(".tabbed-block")
    expect(panels.nth(1)).to_be_hidden()

    skip_to_content(page, where)
    press_tab_until(page, tabs.locator(":scope > input"), where)
    expect(panels.first).to_be_visible()
    page.keyboard.press("ArrowRight")

    expect(tabs.locator(":scope > input").nth(1)).to_be_focused()
    expect(panels.nth(1), f"{where}: ArrowRight on a tab").to_be_visible()
    expect(panels.first).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(panels.first, f"{where}: ArrowLeft on a tab").to_be_visible()


# 5. Code blocks and tables that scroll sideways.


@pytest.mark.parametrize("page_file", ALL_PAGES, ids=pages.name)
def test_every_region_that_scrolls_sideways_is_in_the_tab_order(phone_tab, page_file):
    # scroll-regions.js has run once the document is loaded (Material's
    # document$ fires on DOMContentLoaded).
    phone_tab.goto(pages.url_path(page_file), wait_until="domcontentloaded")
    not_focusable = phone_tab.evaluate(NOT_FOCUSABLE)
    assert not not_focusable, (
        f"{pages.name(page_file)} at 360px: {len(not_focusable)} regions scroll "
        "sideways but Tab cannot reach them, so a keyboard cannot scroll them: "
        + "; ".join(not_focusable)
        + ". docs/javascripts/scroll-regions.js gives the element that scrolls "
        "tabindex=0."
    )


@pytest.mark.parametrize("page_file", PAGE_PER_SECTION, ids=pages.name)
def test_tab_reaches_and_arrow_right_scrolls_every_wide_region(
    phone_without_mouse, page_file
):
    page, where = phone_without_mouse, f"{pages.name(page_file)} at 360px"
    page.goto(pages.url_path(page_file))
    count = page.evaluate(f"""() => ({SCROLLERS})().map((e, i) =>
        e.dataset.wideRegion = i).length""")
    assert count, f"{where}: nothing scrolls sideways, the test proves nothing"

    # Collapsed blocks (<details>) are opened on the way, with Enter.
    skip_to_content(page, where)
    scrolled = set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        summary, region, in_article = page.evaluate("""() => {
          const e = document.activeElement
          return [e.matches("details:not([open]) > summary"),
                  e.dataset.wideRegion ?? null, !!e.closest("article")]
        }""")
        if summary:
            page.keyboard.press("Enter")  # open it: its code is next
        if region is not None and region not in scrolled:
            page.keyboard.press("ArrowRight")
            try:
                page.wait_for_function(
                    "() => document.activeElement.scrollLeft > 0", timeout=2000
                )
            except PlaywrightTimeout:
                pytest.fail(
                    f"{where}: ArrowRight did not scroll {describe_focus(page)}"
                )
            scrolled.add(region)
        if not in_article:
            break  # past the article
    missed = page.evaluate(
        """seen => [...document.querySelectorAll("[data-wide-region]")]
             .filter(e => !seen.includes(e.dataset.wideRegion))
             .map(e => JSON.stringify(e.innerText.trim().slice(0, 40)))""",
        sorted(scrolled),
    )
    assert not missed, (
        f"{where}: Tab never reached {len(missed)} of {count} regions that scroll "
        f"sideways: {'; '.join(missed)}. docs/javascripts/scroll-regions.js gives "
        "each tabindex=0."
    )
    # Material mounts code blocks as they come into view and, on a device
    # without hover, takes them out of the tab order again.
    dropped = page.evaluate(NOT_FOCUSABLE)
    assert not dropped, (
        f"{where}: once scrolled into view, these left the tab order: "
        f"{'; '.join(dropped)}. docs/javascripts/scroll-regions.js must keep them."
    )


# 6. The focus shows wherever it goes.


def walk_checking_focus_shows(page, where, limit=MAX_TABS):
    """Tab round the page: every stop is seen, and shows that it has the focus.
    (Without transitions, so that what fades in on focus is seen at once.)"""
    page.add_style_tag(content="*, ::before, ::after { transition: none !important }")
    first, unseen, unmarked = None, [], []
    for _ in range(limit):
        page.keyboard.press("Tab")
        step = page.evaluate(FOCUS_STEP)
        if "before" in step and not step["beforeShowed"]:
            unmarked.append(step["before"])
        if step["here"] in (first, "nothing (the page itself)"):
            break  # round the page and back
        first = first or step["here"]
        if not step["seen"]:
            unseen.append(step["here"])
    assert not unseen, (
        f"{where}: Tab moves the focus to {len(unseen)} things the reader cannot "
        f"see (hidden, transparent or off the screen): {'; '.join(unseen)}. Take "
        "them out of the tab order while hidden (visibility: hidden)."
    )
    assert not unmarked, (
        f"{where}: the focus does not show (no outline or box-shadow that comes "
        f"with the focus) on {len(unmarked)} stops: "
        f"{'; '.join(dict.fromkeys(unmarked))}. Give them a :focus-visible "
        "outline in docs/stylesheets/extra.css."
    )


def test_focus_shows_on_every_stop_of_a_whole_page(page):
    page.goto(pages.url_path(TABS_PAGE))
    walk_checking_focus_shows(page, pages.name(TABS_PAGE))


@pytest.mark.parametrize(
    "page_file",
    [HOME, *PAGE_PER_SECTION[1:], pages.DOCS / "playground.ipynb"],
    ids=pages.name,
)
def test_focus_shows_on_every_stop_in_the_article(page, page_file):
    where = pages.name(page_file)
    page.goto(pages.url_path(page_file))
    skip_to_content(page, where)
    walk_checking_focus_shows(page, where)
