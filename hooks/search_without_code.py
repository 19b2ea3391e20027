"""Keep code blocks out of the search index.

Material indexes every code block, and on this site code is most of the
text: the index every page downloads grew past 200 KB gzipped. The prose
names every signal, function and setting a reader searches for, so code is
marked `data-search-exclude`, which Material's search plugin skips (and
strips from the page afterwards).
"""

CODE_BLOCK = '<div class="language-'


def on_page_content(html, page, config, files):
    return html.replace(CODE_BLOCK, '<div data-search-exclude="code" class="language-')
