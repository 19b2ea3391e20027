"""What judges one mutant of an app (scripts/mutation.py runs it).

In the reader's project that holds the app: `makemigrations --check` (a
mutated model field leaves the migrations behind, which the project's
checks catch even where the tests' database, built from those migrations,
cannot), then the app's own tests, as its box tells the reader to run them:
`manage.py test`, or pytest for an app whose box installs pytest-django
(its pytest-style tests run only there).

    python scripts/mutant_checks.py <app>   # from the reader's project
"""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hooks"))
import copyable_apps

app = sys.argv[1]
manage = [sys.executable, "manage.py"]
if "pytest-django" in copyable_apps.declaration(app).pip:
    tests = [sys.executable, "-m", "pytest", app, "-x", "-q", "-p", "no:cacheprovider"]
    tests += ["--ds=mysite.settings", "-o", "python_files=tests.py test_*.py"]
else:
    tests = [*manage, "test", app, "--noinput", "--failfast"]
for command in ([*manage, "makemigrations", "--check", "--dry-run", app], tests):
    if subprocess.run(command).returncode:
        sys.exit(1)
