"""Draw docs/assets/social-card.png, the image link previews show.

    python scripts/social_card.py

It is drawn by Chromium from the HTML below, in the system font stack the
site uses, at the size Open Graph and Twitter cards ask for (1200 x 630).
Run it again after changing the text; the PNG is committed.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CARD = """<!doctype html><html><body style="margin:0">
<div style="box-sizing:border-box;width:1200px;height:630px;padding:80px 90px;
  background:#3f51b5;color:#fff;display:flex;flex-direction:column;
  justify-content:space-between;font-family:-apple-system,BlinkMacSystemFont,
  'Segoe UI',Roboto,Helvetica,Arial,sans-serif">
  <div style="font-size:34px;opacity:.85">A guide to Django signals</div>
  <div style="font-size:92px;font-weight:700;line-height:1.05">
    Django Signals,<br>Tested</div>
  <div style="font-size:34px;line-height:1.35">Every built-in signal, receivers,
    async, transactions and testing. Every sample is a real app that runs in
    CI on Django 5.2 and 6.1.</div>
</div></body></html>"""


def main():
    out = ROOT / "docs" / "assets" / "social-card.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(CARD)
        page.screenshot(path=out)
        browser.close()
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
