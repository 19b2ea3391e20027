"""An exercise's starting point, made from its solution: the receivers emptied.

Each exercise page (docs/exercises/*.md) is tied to its solution app by its
`<!-- use this app: <app> -->` line. The skeleton is the app's signals.py with
the body of every @receiver function replaced by its docstring and
`raise NotImplementedError`; everything else (imports, models, the tests)
stays the solution's. The page shows it under "Try it here", and its Run
button runs the app's own tests against what the reader wrote.
"""

import ast
import re
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
APP = re.compile(r"^<!-- use this app: ([a-z_]+) -->$", re.M)
TODO = 'raise NotImplementedError("Write this receiver: see the task above.")'


def app_of(page_markdown: str) -> str | None:
    """The exercise's solution app: the app of its "Use this app" box."""
    found = APP.search(page_markdown)
    return found[1] if found else None


def is_receiver(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Name) and call.id == "receiver":
            return True
    return False


def skeleton(source: str) -> str:
    """source with every @receiver function's body emptied, its docstring kept."""
    lines = source.splitlines()
    receivers = [n for n in ast.walk(ast.parse(source)) if is_receiver(n)]
    if not receivers:
        raise ValueError("it has no @receiver function to leave for the reader")
    for node in sorted(receivers, key=lambda n: n.lineno, reverse=True):
        first = node.body[0]
        documented = isinstance(first, ast.Expr) and isinstance(
            getattr(first, "value", None), ast.Constant
        )
        start = first.end_lineno if documented else first.lineno - 1
        lines[start : node.end_lineno] = [" " * first.col_offset + TODO]
    return "\n".join(lines) + "\n"


def starting_point(app: str) -> tuple[str, str]:
    """(path under snippets/, skeleton text) of the app's exercise."""
    path = SNIPPETS / app / "signals.py"
    if not path.is_file():
        raise ValueError(f"snippets/{app}/signals.py is missing")
    try:
        return f"{app}/signals.py", skeleton(path.read_text())
    except ValueError as error:
        raise ValueError(f"snippets/{app}/signals.py: {error}") from None
