"""What judges one mutant of an app (scripts/mutation.py runs it).

In the reader's project that holds the app: `makemigrations --check` (a
mutated model field leaves the migrations behind, which the project's
checks catch even where the tests' database, built from those migrations,
cannot), then the app's own tests, as its box tells the reader to run them.

    python scripts/mutant_checks.py <app>   # from the reader's project
"""

import subprocess
import sys

app = sys.argv[1]
manage = [sys.executable, "manage.py"]
for command in (
    [*manage, "makemigrations", "--check", "--dry-run", app],
    [*manage, "test", app, "--noinput", "--failfast"],
):
    if subprocess.run(command).returncode:
        sys.exit(1)
