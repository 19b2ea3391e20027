"""Run every demo file and every inline Python block on the pages.

Printed output must match the `#>` lines under each print(). After a real
change in behaviour, `make update-examples` rewrites those lines.
"""

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

from . import pages

demos = pages.demo_files()
# pytest-examples finds the blocks itself, so --update-examples can rewrite
# them in place; blocks that only include a snippet file are not code.
inline = [
    example
    for example in find_examples(pages.DOCS)
    if not all(pages.INCLUDE.match(line) for line in example.source.splitlines())
]


def run(eval_example: EvalExample, example: CodeExample, shown_on: str):
    __tracebackhide__ = True
    if eval_example.update_examples:
        eval_example.run_print_update(example)
        return
    try:
        eval_example.run_print_check(example)
        return
    except pytest.fail.Exception as error:
        diff = str(error)
    # Failing outside the except block keeps pytest from printing the diff twice.
    pytest.fail(
        f"{example.path.relative_to(pages.ROOT)} (shown on {shown_on}) printed "
        "something other than its #> lines. Fix the code, or if the new output "
        f"is right, run `make update-examples`.\n\n{diff}",
        pytrace=False,
    )


@pytest.mark.parametrize(
    "demo", demos, ids=[d.relative_to(pages.ROOT).as_posix() for d in demos]
)
def test_demo_prints_what_its_page_shows(demo, eval_example, transactional_db):
    shown_on = ", ".join(pages.pages_including(demo)) or "no page yet"
    example = CodeExample.create(demo.read_text(), path=demo)
    run(eval_example, example, shown_on)


@pytest.mark.parametrize("example", inline, ids=str)
def test_inline_block_runs(example, eval_example, transactional_db):
    where = f"{example.path.relative_to(pages.ROOT)}:{example.start_line}"
    run(eval_example, example, where)
