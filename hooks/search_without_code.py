"""Keep code blocks out of the search index.

Material indexes every code block, and on this site code is most of the
text: the index every page downloads grew past 200 KB gzipped. The prose
names every signal, function and setting a reader searches for, so code is
left out.

Marking blocks `data-search-exclude` keeps them out of the index, but the
search plugin still parses every highlighted token of them, a third of the
build's time. So each block is set aside as an HTML comment before the
search plugin reads the page, and put back after.
"""

import re

from mkdocs.plugins import event_priority

CODE_BLOCK = re.compile(r'<div class="language-.*?</code></pre></div>', re.DOTALL)
PLACEHOLDER = re.compile(r"<!--code block (\d+)-->")
set_aside = {}  # page URL -> its code blocks, in order


def on_page_content(html, page, config, files):
    blocks = set_aside[page.url] = []

    def set_block_aside(match):
        blocks.append(match[0])
        return f"<!--code block {len(blocks) - 1}-->"

    return CODE_BLOCK.sub(set_block_aside, html)


@event_priority(-100)  # after the search plugin (priority 0) has indexed the page
def on_page_context(context, page, config, nav):
    blocks = set_aside.pop(page.url, [])
    page.content = PLACEHOLDER.sub(lambda match: blocks[int(match[1])], page.content)
    return context
