"""The host project is healthy: checks pass and migrations are complete."""

import os
import re
import subprocess
import sys

from . import pages

MANAGE = pages.ROOT / "snippet_project" / "manage.py"


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "site_config.settings", **env},
    )


def test_system_checks_pass():
    result = manage("check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_every_model_change_has_a_migration():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, (
        "A snippet app changed a model without a migration; run "
        "`.venv/bin/python snippet_project/manage.py makemigrations`.\n" + result.stdout
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-" + os.urandom(32).hex(),
        DJANGO_ALLOWED_HOSTS="signals.example.com",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_github_ci_runs_every_locked_django_series():
    workflow = (pages.ROOT / ".github" / "workflows" / "ci.yml").read_text()
    in_ci = set(re.findall(r'django: "([\d.]+)"', workflow))
    locked = {
        p.stem.removeprefix("django-")
        for p in pages.ROOT.glob("requirements/django-*.txt")
    }
    assert in_ci == locked, (
        f".github/workflows/ci.yml runs {in_ci}, the locks are {locked}"
    )


def test_the_celery_app_reads_the_settings_and_gets_the_shared_tasks():
    from celery.bin.celery import find_app
    from django.conf import settings
    from video_processing.tasks import transcode_video

    from site_config.celery import app

    assert find_app("site_config") is app  # what `celery -A site_config` loads
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert transcode_video.app is app  # @shared_task bound to the project's app


def test_no_file_holds_a_merge_conflict():
    """A merge left README.md with both sides and their markers once."""
    found = subprocess.run(
        ["git", "grep", "-I", "-n", "-E", "^(<{7}|>{7}) |^={7}$"],
        cwd=pages.ROOT,
        capture_output=True,
        text=True,
    )
    assert found.returncode == 1, (
        f"merge conflict markers (resolve them, keeping what each side meant):"
        f"\n{found.stdout}{found.stderr}"
    )
