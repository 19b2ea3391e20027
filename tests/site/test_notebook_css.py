"""hooks/notebook_css.py keeps every rule that can apply to the notebook page.

It drops JupyterLab rules for classes the page does not have, and custom
properties nothing reads; these tests show what it keeps, what it drops, and
that strings and comments cannot mislead it.
"""

import importlib.util
import re
from types import SimpleNamespace

from tests import pages

HOOK = pages.ROOT / "hooks" / "notebook_css.py"
spec = importlib.util.spec_from_file_location("notebook_css", HOOK)
notebook_css = importlib.util.module_from_spec(spec)
spec.loader.exec_module(notebook_css)

CSS = """@charset "UTF-8";
/* a comment naming .Absent.Class */
.jupyter-wrapper{--used:red;--unused:blue;--chained:var(--unread-chain);
  --unread-chain:green;--kept-by-site:1px}
.jp-Cell{color:var(--used)}
.jp-Absent{color:black}
.jp-Cell,.jp-Absent .jp-Cell{margin:0}
.jp-Cell:not(.jp-Absent){padding:0}
pre{line-height:125%}
.jp-Cell::after{content:"}.jp-Absent{";background:url("data:image/svg+xml;utf8,<a>")}
@media (max-width:760px){.jp-Absent{order:1}.jp-Cell{order:2}}
@media print{.jp-Absent{order:3}}
@font-face{font-family:X;src:local(X)}
.jp-Cell{width:calc(var(--used) * (1 + 2))}
"""
PAGE = f"""<html><head><style type="text/css">{CSS}</style></head>
<body><div class="jupyter-wrapper"><div class="jp-Cell other">x</div></div></body>
</html>"""


def trim(html):
    config = SimpleNamespace(theme=SimpleNamespace(dirs=[]), docs_dir="", extra_css=[])
    return notebook_css.on_post_page(html, page=None, config=config)


def style_of(html):
    return re.search(r"<style[^>]*>(.*)</style>", html, re.DOTALL)[1]


def test_rules_for_classes_on_the_page_are_kept_and_others_dropped():
    css = style_of(trim(PAGE))

    assert ".jp-Cell{color:var(--used)}" in css
    assert ".jp-Absent{color:black}" not in css
    # From a list of selectors, only those that can match stay.
    assert ".jp-Cell{margin:0}" in css
    # A class inside :not() need not be on the page.
    assert ".jp-Cell:not(.jp-Absent){padding:0}" in css
    # Rules without classes, @font-face and @charset stay as they were.
    assert "pre{line-height:125%}" in css
    assert "@font-face{font-family:X;src:local(X)}" in css
    assert css.startswith('@charset "UTF-8";')
    # Inside @media, rules are trimmed; an emptied @media goes.
    assert "@media (max-width:760px){.jp-Cell{order:2}}" in css
    assert "@media print" not in css


def test_strings_comments_and_parentheses_do_not_mislead_it():
    css = style_of(trim(PAGE))

    # A brace or a class in a string, a ; in a URL, nested parentheses.
    assert '.jp-Cell::after{content:"}.jp-Absent{";' in css
    assert 'url("data:image/svg+xml;utf8,<a>")' in css
    assert ".jp-Cell{width:calc(var(--used) * (1 + 2))}" in css
    # The comment names a class the page lacks, and costs the next rule nothing.
    assert ".jupyter-wrapper{" in css


def test_only_custom_properties_something_reads_are_kept():
    css = style_of(trim(PAGE))

    assert "--used:red" in css
    assert "--unused" not in css
    # --chained is read by nothing, so --unread-chain, read only by it, goes too.
    assert "--chained" not in css and "--unread-chain" not in css


def test_a_property_read_by_the_sites_own_css_is_kept(tmp_path):
    (tmp_path / "extra.css").write_text(".md-typeset{margin:var(--kept-by-site)}")
    config = SimpleNamespace(
        theme=SimpleNamespace(dirs=[]), docs_dir=str(tmp_path), extra_css=["extra.css"]
    )

    css = style_of(notebook_css.on_post_page(PAGE, page=None, config=config))

    assert "--kept-by-site:1px" in css


def test_pages_without_a_notebook_are_left_alone():
    html = PAGE.replace("jupyter-wrapper", "md-content")

    assert trim(html) == html
