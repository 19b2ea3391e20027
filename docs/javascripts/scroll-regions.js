// A code block or a table that scrolls sideways can be scrolled with the
// keyboard: each gets a place in the tab order. Material does this for code
// blocks only once they come into view (content.lazy) and only on devices
// with a mouse; this covers every one, on every page, tables included.
//
// Every code block gets one without being measured: on a phone nearly all of
// them scroll, and asking each whether it does would lay out the blocks the
// browser skips until they come into view (content-visibility in extra.css),
// which cost a long page a third of a second. Tables are few and always laid
// out: those that scroll get one. For a table the element that scrolls is
// Material's wrapper around it.
const CODE = ".md-typeset pre > code"
const TABLES = ".md-typeset .md-typeset__scrollwrap, .md-typeset table"
const overflows = region => region.scrollWidth > region.clientWidth

function focusScrollRegions() {
  for (const code of document.querySelectorAll(CODE)) code.tabIndex = 0
  for (const table of document.querySelectorAll(TABLES)) {
    if (overflows(table)) table.tabIndex = 0
  }
}
document$.subscribe(focusScrollRegions)  // each page, with instant navigation too
window.addEventListener("resize", focusScrollRegions)

// On a device without hover (a tablet or a phone with a keyboard), Material
// takes a code block out of the tab order again when it mounts it, as it
// comes into view: put it back.
new MutationObserver(changes => {
  for (const { target } of changes) {
    if (!target.hasAttribute("tabindex") && target.matches(CODE)) target.tabIndex = 0
  }
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["tabindex"] })
