"""Trim the notebook page's stylesheet to the rules that can apply to it.

mkdocs-jupyter inlines all of JupyterLab's CSS (575 KB, written for the whole
JupyterLab application) into every notebook page. A static notebook uses a
small part of it: the rest makes the page heavier to download and parse, and
slows every style pass. Rules whose selectors name a class that appears
nowhere on the page are dropped, then the custom properties (about a
thousand) that nothing left on the page or in the site's stylesheets reads;
everything else (@font-face, @keyframes, rules without classes) is kept.
The page's HTML goes from 686 KB to 117 KB.

The CSS is split with one regular expression that skips strings and
comments, so the hook costs about a tenth of a second.
"""

import re
from pathlib import Path

STYLE = re.compile(r'(<style type="text/css">)(.*?)(</style>)', re.DOTALL)
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
CLASS_NAME = re.compile(r"\.(-?[_a-zA-Z][-\w]*)")
# Classes inside :not(), :is(), :where() or :has() need not be on the page.
OPTIONAL = re.compile(r":(?:not|is|where|has)\([^)]*\)")
VAR_USE = re.compile(r"var\(\s*(--[-\w]+)")
# What gives CSS its structure, with strings and comments matched whole so
# that a brace or semicolon inside them is never taken for one.
STRUCTURE = re.compile(
    r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|/\*.*?\*/|[{}();,]', re.DOTALL
)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
GROUPS = ("@media", "@supports")


def rules(css):
    """(prelude, body) of each top-level rule, (statement, None) of `@charset ...;`."""
    found, depth, start, opening = [], 0, 0, 0
    for token in STRUCTURE.finditer(css):
        if token[0] == "{":
            if depth == 0:
                opening = token.start()
            depth += 1
        elif token[0] == "}":
            depth -= 1
            if depth == 0:
                prelude = COMMENT.sub("", css[start:opening]).strip()
                found.append((prelude, css[opening + 1 : token.start()]))
                start = token.end()
        elif token[0] == ";" and depth == 0:
            found.append((COMMENT.sub("", css[start : token.end()]).strip(), None))
            start = token.end()
    return found


def split(text, separator):
    """Split at `separator` where it is outside parentheses, strings and comments."""
    parts, depth, start = [], 0, 0
    for token in STRUCTURE.finditer(text):
        if token[0] == "(":
            depth += 1
        elif token[0] == ")":
            depth -= 1
        elif token[0] == separator and depth == 0:
            parts.append(text[start : token.start()])
            start = token.end()
    return [*parts, text[start:]]


def trimmed(css, keep_rule):
    """The CSS with `keep_rule(prelude, body)` applied inside groups too.

    It returns the (prelude, body) to keep, or None to drop the rule.
    """
    kept = []
    for prelude, body in rules(css):
        if body is None:
            kept.append(prelude)
        elif prelude.startswith(GROUPS):
            inner = trimmed(body, keep_rule)
            if inner:
                kept.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            kept.append(f"{prelude}{{{body}}}")
        elif rule := keep_rule(prelude, body):
            kept.append("{}{{{}}}".format(*rule))
    return "".join(kept)


def matching(classes):
    def keep_rule(prelude, body):
        selectors = [s.strip() for s in split(prelude, ",")]
        kept = [s for s in selectors if can_match(s, classes)]
        return kept and (",".join(kept), body)

    return keep_rule


def can_match(selector, classes):
    required = OPTIONAL.sub("", selector)
    return all(name in classes for name in CLASS_NAME.findall(required))


def read(used):
    def keep_rule(prelude, body):
        declarations = [d for d in split(body, ";") if not unread(d, used)]
        body = ";".join(declarations)
        return body.strip() and (prelude, body)

    return keep_rule


def unread(declaration, used):
    name = declaration.split(":", 1)[0].strip()
    return name.startswith("--") and name not in used


def restyle(html, keep_rule):
    """The page with `trimmed` applied to each of its <style> elements."""
    return STYLE.sub(lambda m: m[1] + trimmed(m[2], keep_rule) + m[3], html)


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
