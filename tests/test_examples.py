"""Run every demo file the pages show.

Printed output must match the `#>` lines under each print(). After a real
change in behaviour, `make update-examples` rewrites those lines.
"""

import pytest
from pytest_examples import CodeExample, EvalExample

from . import pages

demos = pages.demo_files()


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
