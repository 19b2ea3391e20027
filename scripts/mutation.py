"""Mutation testing of the code the pages show: `make mutation`.

Each snippet app is mutated by cosmic-ray in a reader's project under
.make/mutation/<app>/: made by `startproject`, with the app added as its
"Use this app" box says (hooks/copyable_apps.py, as the fresh-project check
does). Each mutant is judged there by `makemigrations --check` and the
app's own tests, `manage.py test <app>`. Demos, tests, migrations and
fixtures are not mutated; receivers are, decorators included.

A mutant that survives fails the run unless tests/mutation_survivors.toml
lists it (its file, operator and the line it changes) with the reason no
test can tell it apart. The run also fails when fewer than 95% of all
mutants are killed, and when a listed survivor survives no more.

    python scripts/mutation.py                  # every app
    python scripts/mutation.py payments orders  # some apps
"""

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
import copyable_apps  # noqa: E402  (the reader's project, as the box sets it up)

SNIPPETS = copyable_apps.SNIPPETS
STAGE = ROOT / ".make" / "mutation"
SURVIVORS = ROOT / "tests" / "mutation_survivors.toml"
LISTED = SURVIVORS.relative_to(ROOT).as_posix()
GOAL = 0.95
COSMIC_RAY = Path(sys.executable).with_name("cosmic-ray")
NOT_MUTATED = [
    "*/__init__.py",
    "*/tests.py",
    "*/tests/*",
    "*/test_*.py",
    "*/migrations/*",
    "*/fixtures/*",
    "*/demo*.py",
]
CONFIG = """\
[cosmic-ray]
module-path = {modules}
timeout = 120.0
excluded-modules = []
test-command = "{python} {checks} {app}"

[cosmic-ray.distributor]
name = "local"
"""


@dataclass(frozen=True)
class Mutant:
    file: str  # snippets/<app>/<module>.py
    operator: str
    line: str  # the line it changes, stripped
    outcome: str  # "killed", "survived", "incompetent"
    diff: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.file, self.operator, self.line


def key(entry: dict) -> tuple[str, str, str]:
    """How a listed survivor names its mutant: file, operator and line."""
    return entry["file"], entry["operator"], entry["line"]


def shown_modules(app: str) -> list[str]:
    """The app's modules a page shows, relative to snippets/ (as in the project)."""
    files = sorted((SNIPPETS / app).rglob("*.py"))
    names = [path.relative_to(SNIPPETS).as_posix() for path in files]
    return [n for n in names if not any(fnmatch.fnmatch(n, p) for p in NOT_MUTATED)]


def cosmic_ray(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COSMIC_RAY, *args],
        cwd=cwd,
        env=copyable_apps.READER_ENV,
        capture_output=True,
        text=True,
        check=False,
    )


def mutate(app: str) -> list[Mutant] | None:
    """Every mutant of one app with its outcome; None if its tests fail as is."""
    modules = shown_modules(app)
    if not modules:
        return []
    folder = STAGE / app
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copyable_apps.start_project(folder)
    copyable_apps.add_to_project(app, folder)
    checks = (ROOT / "scripts" / "mutant_checks.py").as_posix()
    config = CONFIG.format(
        modules=json.dumps(modules), python=sys.executable, checks=checks, app=app
    )
    (folder / "mutation.toml").write_text(config)

    if cosmic_ray("baseline", "mutation.toml", cwd=folder).returncode:
        return None
    cosmic_ray("init", "mutation.toml", "session.sqlite", cwd=folder)
    cosmic_ray("exec", "mutation.toml", "session.sqlite", cwd=folder)
    dump = cosmic_ray("dump", "session.sqlite", cwd=folder).stdout
    mutants = []
    for row in dump.splitlines():
        job, result = json.loads(row)
        (mutation,) = job["mutations"]
        source = (folder / mutation["module_path"]).read_text().splitlines()
        mutants.append(
            Mutant(
                file=f"snippets/{mutation['module_path']}",
                operator=mutation["operator_name"],
                line=source[mutation["start_pos"][0] - 1].strip(),
                outcome=(result or {}).get("test_outcome") or "not run",
                diff=(result or {}).get("diff") or "",
            )
        )
    return mutants


def judge(app: str, mutants: list[Mutant], listed: list[dict]) -> list[str]:
    """What is wrong with one app's results, given the listed survivors."""
    problems = []
    listed_keys = {key(entry) for entry in listed}
    surviving = {m.key for m in mutants if m.outcome != "killed"}
    for mutant in mutants:
        if mutant.outcome != "killed" and mutant.key not in listed_keys:
            problems.append(
                f"{mutant.file}: {mutant.operator} on `{mutant.line}` "
                f"{mutant.outcome}.\n{mutant.diff}\nAdd a test in snippets/{app} "
                f"that fails with it, or list it in {LISTED} with the reason "
                "it is equivalent."
            )
    for entry in listed:
        if entry["file"].split("/")[1] == app and key(entry) not in surviving:
            problems.append(
                f"{entry['file']}: {entry['operator']} on `{entry['line']}` "
                f"survives no more: remove it from {LISTED}"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", help="apps to mutate (default: all)")
    chosen = parser.parse_args().apps or copyable_apps.apps()
    listed = tomllib.loads(SURVIVORS.read_text()).get("survivor", [])

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = dict(zip(chosen, pool.map(mutate, chosen), strict=True))

    problems, killed, total = [], 0, 0
    for app, mutants in results.items():
        if mutants is None:
            problems.append(f"snippets/{app}: its tests fail before any mutation")
            continue
        app_killed = sum(mutant.outcome == "killed" for mutant in mutants)
        killed, total = killed + app_killed, total + len(mutants)
        print(f"{app}: {app_killed} of {len(mutants)} mutants killed")
        problems += judge(app, mutants, listed)

    score = killed / total if total else 1.0
    print(f"\n{killed} of {total} mutants killed ({score:.1%}), goal {GOAL:.0%}.")
    if score < GOAL:
        problems.append(f"only {score:.1%} of the mutants were killed")
    for problem in problems:
        print(f"mutation: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
