// "Copy page as Markdown" (overrides/main.html): a click copies the page's
// Markdown copy to the clipboard. Without a clipboard the link opens it.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-copy-page-markdown]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  try {
    const response = await fetch(link.href);
    if (!response.ok) throw new Error(response.statusText);
    await navigator.clipboard.writeText(await response.text());
    link.title = "Copied";
  } catch {
    window.location.href = link.href;
  }
});
