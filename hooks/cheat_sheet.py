"""The cheat sheet: every built-in signal, its sender and its arguments.

A page puts `{{ signal_cheat_sheet }}` where the sheet belongs. It is made
from the reference table (hooks/signal_table.py), which the suite checks
against Django, so it is never typed twice.
"""

from itertools import groupby

from signal_table import rows

PLACEHOLDER = "{{ signal_cheat_sheet }}"


def sheet() -> str:
    parts = []
    for module, group in groupby(rows(), key=lambda row: row.module):
        parts.append(f"## `{module}`\n")
        parts.append("| Signal | Sender | Arguments, besides `signal` and `sender` |")
        parts.append("|---|---|---|")
        for row in group:
            since = f" ({row.versions})" if row.versions[0].isdigit() else ""
            parts.append(f"| `{row.name}`{since} | {row.sender} | {row.arguments} |")
        parts.append("")
    return "\n".join(parts)


def on_page_markdown(markdown, page, config, files):
    if PLACEHOLDER not in markdown:
        return markdown
    return markdown.replace(PLACEHOLDER, sheet())
