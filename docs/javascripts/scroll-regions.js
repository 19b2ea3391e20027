// A code block or a table that scrolls sideways can be scrolled with the
// keyboard: each gets a place in the tab order. Material does this for code
// blocks only once they come into view (content.lazy) and only on devices
// with a mouse; this covers every one, on every page, tables included.
function focusScrollRegions() {
  for (const region of document.querySelectorAll(".md-typeset pre > code, .md-typeset table")) {
    if (region.scrollWidth > region.clientWidth) region.tabIndex = 0
  }
}
document$.subscribe(focusScrollRegions)  // each page, with instant navigation too
window.addEventListener("resize", focusScrollRegions)
