"""What judges one mutant of an app (scripts/mutation.py runs it).

The app's own tests, and before them `makemigrations --check`: a mutated
model field leaves the migrations behind, which the project's checks catch
even where the tests' database, built from those migrations, cannot.

    python scripts/mutant_checks.py <app>   # from the copy of the project
"""

import subprocess
import sys

app = sys.argv[1]
migrations = [
    sys.executable,
    "snippet_project/manage.py",
    "makemigrations",
    "--check",
    "--dry-run",
    app,
]
tests = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
for command in (migrations, [*tests, f"snippets/{app}"]):
    if subprocess.run(command).returncode:
        sys.exit(1)
