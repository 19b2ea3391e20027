"""What a page includes: its `--8<-- "path"` and `--8<-- "path:section"` lines.

pymdownx.snippets expands them at build time. The dirty-rebuild hook and the
page checks find them with these two expressions, so "an include" and "a
section" mean one thing everywhere.
"""

import re

# A line that includes a file, or one named section of it.
INCLUDE = re.compile(
    r'^[ \t]*-+8<-+[ \t]+"(?P<path>[^":]+)(?::(?P<section>[^"]+))?"[ \t]*$', re.M
)
# A line that starts or ends a named section in an included file.
SECTION = re.compile(r"^\s*#\s*-+8<-+\s*\[\s*(start|end)\s*:\s*([a-z][-_0-9a-z]*)\s*\]")
