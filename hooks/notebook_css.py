"""Trim the notebook page's stylesheet to the rules that can apply to it.

mkdocs-jupyter inlines all of JupyterLab's CSS (575 KB, written for the whole
JupyterLab application) into every notebook page. A static notebook uses a
small part of it: the rest makes the page heavier to download and parse, and
slows every style pass. Rules whose selectors name a class that appears
nowhere on the page are dropped, then the custom properties (about a
thousand) that nothing left on the page or in the site's stylesheets reads;
everything else (@font-face, @keyframes, rules without classes) is kept.
The page's HTML goes from 686 KB to 117 KB.

The CSS is parsed with tinycss2, so strings, comments and nested
parentheses are read as CSS reads them.
"""

import re
from itertools import pairwise
from pathlib import Path

import tinycss2

STYLE = re.compile(r'(<style type="text/css">)(.*?)(</style>)', re.DOTALL)
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
VAR_USE = re.compile(r"var\(\s*(--[-\w]+)")
GROUPS = {"media", "supports"}  # at-rules that hold rules, trimmed inside
QUIET = {"skip_comments": True, "skip_whitespace": True}


def trimmed(rules, keep_rule):
    """The rules, serialized, with `keep_rule(prelude, content)` applied inside
    groups too; it returns the rule's CSS to keep, or "" to drop it."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept.append(keep_rule(rule.prelude, rule.content))
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPS:
            inner = trimmed(tinycss2.parse_rule_list(rule.content, **QUIET), keep_rule)
            if inner:
                prelude = tinycss2.serialize(rule.prelude)
                kept.append(f"@{rule.at_keyword}{prelude}{{{inner}}}")
        else:
            kept.append(rule.serialize())
    return "".join(kept)


def selectors(prelude):
    """The selectors of a rule's prelude, each a list of tokens."""
    found = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            found.append([])
        else:
            found[-1].append(token)
    return found


def classes_required(selector):
    """The class names a selector needs. Those inside a function, :not(.x) or
    :is(.x), are not counted: the selector can match without them."""
    return {
        name.value
        for dot, name in pairwise(selector)
        if dot.type == "literal" and dot.value == "." and name.type == "ident"
    }


def matching(classes):
    def keep_rule(prelude, content):
        kept = [s for s in selectors(prelude) if classes_required(s) <= classes]
        if not kept:
            return ""
        chosen = ",".join(tinycss2.serialize(s).strip() for s in kept)
        return f"{chosen}{{{tinycss2.serialize(content)}}}"

    return keep_rule


def read(used):
    def keep_rule(prelude, content):
        declarations = [
            d
            for d in tinycss2.parse_blocks_contents(content, **QUIET)
            if not (d.type == "declaration" and d.name.startswith("--"))
            or d.name in used
        ]
        body = ";".join(d.serialize() for d in declarations)
        return f"{tinycss2.serialize(prelude).strip()}{{{body}}}" if body else ""

    return keep_rule


def restyle(html, keep_rule):
    """The page with `trimmed` applied to each of its <style> elements."""

    def trim(match):
        rules = tinycss2.parse_stylesheet(match[2], **QUIET)
        return match[1] + trimmed(rules, keep_rule) + match[3]

    return STYLE.sub(trim, html)


def on_post_page(output, page, config):
    if 'class="jupyter-wrapper"' not in output:
        return output
    classes = {name for attr in CLASS_ATTR.findall(output) for name in attr.split()}
    output = restyle(output, matching(classes))

    # A custom property is kept if anything reads it: the page (its rules and
    # inline styles) or the site's stylesheets, which apply here too.
    site_css = "".join(
        path.read_text()
        for theme_dir in config.theme.dirs
        for path in Path(theme_dir, "assets", "stylesheets").glob("*.css")
    ) + "".join(Path(config.docs_dir, css).read_text() for css in config.extra_css)
    while True:  # dropping one property can leave another unread: repeat
        again = restyle(output, read(set(VAR_USE.findall(output + site_css))))
        if again == output:
            return output
        output = again
