// What a reader without a mouse needs beyond what Material does itself
// (tests/browser/test_keyboard.py checks each of these).

const drawer = document.getElementById("__drawer")  // Material's hidden checkbox
const search = document.getElementById("__search")
const menuButton = document.querySelector("[data-md-drawer-button]")
// Below this width the navigation is a drawer (Material's own breakpoint).
const narrow = matchMedia("(max-width: 76.234375em)")

// The menu button (overrides/partials/header.html) opens and closes the
// drawer, says whether it is open, and on opening takes the focus into it.
menuButton.addEventListener("click", () => {
  drawer.click()
  if (drawer.checked) focusSoon(document.querySelector(".md-nav--primary a[href]"))
})
// The closed drawer is not rendered (content-visibility, in extra.css), and
// it is rendered from the next frame on: until then its links cannot take
// the focus.
function focusSoon(element, frames = 10) {
  if (!element || !drawer.checked) return  // closed again meanwhile
  element.focus()
  if (document.activeElement !== element && frames > 0)
    requestAnimationFrame(() => focusSoon(element, frames - 1))
}
drawer.addEventListener("change", () => {
  menuButton.setAttribute("aria-expanded", String(drawer.checked))
})

// Escape closes the drawer and gives the focus back to the menu button (while
// search is open, Escape is Material's, and closes search).
document.addEventListener("keydown", event => {
  if (event.key !== "Escape" || !drawer.checked || search.checked) return
  drawer.click()
  menuButton.focus()
})

// In the drawer, the labels that open a section (Guide, Exercises...) or the
// page's table of contents, and the titles that lead back out of one, are
// labels for hidden checkboxes: Material leaves the sections' labels out of
// the tab order, since on a wide screen they are headings that do nothing.
// In the drawer they are buttons: give them a place in the tab order there.
// (Material itself clicks a focused label on Enter; Space does it too here.)
const DRAWER_LABELS = ".md-nav--primary label.md-nav__link, .md-nav--primary label.md-nav__title:not([for='__drawer'])"
function drawerLabelsFocusable() {
  for (const label of document.querySelectorAll(DRAWER_LABELS)) {
    if (!("tabindex" in label.dataset))
      label.dataset.tabindex = label.getAttribute("tabindex") ?? ""
    if (narrow.matches) label.tabIndex = 0
    else if (label.dataset.tabindex) label.setAttribute("tabindex", label.dataset.tabindex)
    else label.removeAttribute("tabindex")
  }
}
document$.subscribe(drawerLabelsFocusable)  // the drawer is new on each page
narrow.addEventListener("change", drawerLabelsFocusable)
document.addEventListener("keydown", event => {
  const label = document.activeElement
  if (event.key === " " && label instanceof HTMLLabelElement && label.matches(DRAWER_LABELS)) {
    event.preventDefault()
    label.click()
  }
})
// Leaving a section of the drawer hides it: the focus, if it was in there,
// goes back to the label that opened it rather than to nowhere.
document.addEventListener("change", event => {
  const toggle = event.target
  if (!toggle.matches?.(".md-nav--primary .md-nav__toggle") || toggle.checked) return
  if (!toggle.parentElement.querySelector(":scope > nav")?.contains(document.activeElement)) return
  toggle.parentElement.querySelector(`label.md-nav__link[for="${toggle.id}"]`)?.focus()
})

// A section of the drawer slides in from the right. A Tab before it is in
// place makes the browser scroll the drawer sideways to show the focused
// link, and the whole drawer then stays shifted out of view: the drawer
// never scrolls sideways.
document.addEventListener("scroll", event => {
  const wrap = event.target
  if (wrap instanceof Element && wrap.scrollLeft && wrap.matches(".md-sidebar--primary .md-sidebar__scrollwrap"))
    wrap.scrollLeft = 0
}, true)

// The skip link moves the focus, not only the view, to the page's heading, so
// that the next Tab goes on from there into the article. Material's instant
// navigation does not see the click: it may load the page again and replace
// its content, heading and focus included, and the next Tab would then start
// from the navigation.
window.addEventListener("click", event => {
  const skip = event.target.closest?.(".md-skip")
  const target = skip && document.getElementById(decodeURIComponent(new URL(skip.href).hash.slice(1)))
  if (!target) return
  event.preventDefault()
  event.stopPropagation()
  target.tabIndex = -1  // focusable from here, without a place in the tab order
  target.focus()
}, true)
