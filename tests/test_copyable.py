"""A reader can copy a snippet app into a brand-new project and it works.

Each app listed here is copied into a project made by `startproject`, added to
INSTALLED_APPS (by its name only), and its own tests run there with
`manage.py test`, away from snippet_project and pytest.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from . import pages

COPYABLE = ["profiles", "welcome_email"]


@pytest.mark.parametrize("app", COPYABLE)
def test_app_works_in_a_fresh_project(app, tmp_path):
    def run(*args, cwd=tmp_path):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        result = subprocess.run(
            [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
        return result

    run("-m", "django", "startproject", "mysite", ".")
    shutil.copytree(
        pages.SNIPPETS / app,
        tmp_path / app,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    settings = tmp_path / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + f"\nINSTALLED_APPS += [{app!r}]\n")

    result = run("manage.py", "test", app)

    ran = re.search(r"^Ran (\d+) tests?", result.stderr, re.M)
    assert ran and int(ran[1]) > 0, f"no test of {app} ran:\n{result.stderr}"
