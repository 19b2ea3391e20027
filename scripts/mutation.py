"""Mutation testing of the code the pages show: `make mutation`.

Each snippet app is copied on its own into .make/mutation/<app>/, mutated
there by mutmut, and judged by its own tests only, as it would be in a
reader's project. Demos, tests, migrations and fixtures are not mutated.

A mutant that survives fails the run unless tests/mutation_survivors.toml
lists it with the line it writes and the reason no test can tell it apart.
The run also fails when fewer than 95% of all mutants are killed, or when a
listed survivor is killed now or writes another line (a stale entry).

    python scripts/mutation.py                  # every app
    python scripts/mutation.py payments orders  # some apps
"""

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
STAGE = ROOT / ".make" / "mutation"
SURVIVORS = ROOT / "tests" / "mutation_survivors.toml"
LISTED = SURVIVORS.relative_to(ROOT).as_posix()
GOAL = 0.95
MUTMUT = Path(sys.executable).with_name("mutmut")

# mutmut imports the mutated app by its own name ("payments"), so each app
# sits at the top of its folder; site_config comes from snippet_project and
# finds the other apps under snippets/, after the mutated copy on sys.path.
CONFIG = """\
[tool.pytest.ini_options]
DJANGO_SETTINGS_MODULE = "site_config.settings"
pythonpath = ["{project}"]
python_files = ["tests.py", "test_*.py"]
addopts = "-p no:cacheprovider"

[tool.mutmut]
source_paths = ["{app}"]
do_not_mutate = [
    "*/tests.py", "*/tests/*", "*/test_*.py", "*/migrations/*", "*/demo*.py",
]
pytest_add_cli_args_test_selection = ["{app}"]
"""


def apps() -> list[str]:
    return sorted(path.parent.name for path in SNIPPETS.glob("*/apps.py"))


def mutate(app: str) -> dict[str, str]:
    """Mutate one app; return each mutant's status ("killed", "survived"...)."""
    folder = STAGE / app
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(
        SNIPPETS / app, folder / app, ignore=shutil.ignore_patterns("__pycache__")
    )
    project = (ROOT / "snippet_project").as_posix()
    (folder / "pyproject.toml").write_text(CONFIG.format(project=project, app=app))
    run = [MUTMUT, "run", "--max-children", "1"]
    ran = subprocess.run(run, cwd=folder, capture_output=True, text=True, check=False)
    if "failed to collect stats" in ran.stdout:
        sys.exit(f"mutation: the tests of snippets/{app} fail unmutated:\n{ran.stdout}")
    listing = subprocess.run(
        [MUTMUT, "results", "--all", "true"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(
        line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line
    )


def mutated_line(app: str, mutant: str) -> str:
    """The line the mutant writes, as `mutmut show` prints it."""
    diff = subprocess.run(
        [MUTMUT, "show", mutant],
        cwd=STAGE / app,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    added = [line[1:].strip() for line in diff.splitlines() if line[:2] == "+ "]
    return " ".join(added)


def judge(app: str, statuses: dict[str, str], listed: dict) -> list[str]:
    """What is wrong with one app's results, given the listed survivors."""
    problems = []
    for mutant, status in statuses.items():
        entry = listed.get(mutant)
        if status == "killed":
            if entry:
                problems.append(f"{mutant} is killed now: remove it from {LISTED}")
            continue
        line = mutated_line(app, mutant)
        if entry is None:
            problems.append(
                f"{mutant} {status}: `{line}` in snippets/{app}. Add a test in "
                f"snippets/{app} that fails with it, or list it in {LISTED} "
                "with the reason it is equivalent."
            )
        elif entry["line"] != line:
            problems.append(
                f"{mutant} now writes `{line}`, not `{entry['line']}`: update {LISTED}"
            )
    for mutant in listed:
        if mutant.split(".")[0] == app and mutant not in statuses:
            problems.append(f"{mutant} no longer exists: remove it from {LISTED}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", help="apps to mutate (default: all)")
    chosen = parser.parse_args().apps or apps()
    listed = tomllib.loads(SURVIVORS.read_text()) if SURVIVORS.exists() else {}

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = dict(zip(chosen, pool.map(mutate, chosen), strict=True))

    problems, killed, total = [], 0, 0
    for app, statuses in results.items():
        app_killed = sum(status == "killed" for status in statuses.values())
        killed, total = killed + app_killed, total + len(statuses)
        print(f"{app}: {app_killed} of {len(statuses)} mutants killed")
        problems += judge(app, statuses, listed)

    score = killed / total if total else 1.0
    print(f"\n{killed} of {total} mutants killed ({score:.1%}), goal {GOAL:.0%}.")
    if score < GOAL:
        problems.append(f"only {score:.1%} of the mutants were killed")
    for problem in problems:
        print(f"mutation: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
