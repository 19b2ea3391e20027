"""The reference table of built-in signals (docs/reference/signals.md), read.

tests/test_reference.py checks every row against a real send on the Django
it runs with; hooks/cheat_sheet.py prints the same rows, shorter. Both read
the table here, so the cheat sheet cannot say what the checked table does not.
"""

import re
from dataclasses import dataclass
from pathlib import Path

PAGE = "docs/reference/signals.md"
PAGE_PATH = Path(__file__).resolve().parent.parent / PAGE
# A row: | `name` | `module` | when | sender | `arg`, `arg` (6.1+) | versions |
ROW = re.compile(r"^\|\s*`(?P<name>\w+)`\s*\|")
CELLS = ("name", "module", "when", "sender", "arguments", "versions")


@dataclass(frozen=True)
class Row:
    line: int  # where it is in PAGE, counted from 1
    name: str  # pre_save
    module: str  # django.db.models.signals
    when: str  # each cell as written, Markdown included
    sender: str
    arguments: str
    versions: str


def rows() -> list[Row]:
    """Every row of the table, in the page's order."""
    found = []
    for number, line in enumerate(PAGE_PATH.read_text().splitlines(), start=1):
        if not ROW.match(line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != len(CELLS):
            raise ValueError(
                f"{PAGE}:{number}: the row for {cells[0]} has {len(cells)} cells; "
                f"a row needs {len(CELLS)}: {', '.join(CELLS)}. "
                "(A | inside a cell splits it.)"
            )
        name, module, *rest = cells
        found.append(Row(number, name.strip("`"), module.strip("`"), *rest))
    return found
