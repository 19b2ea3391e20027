"""The apps a reader can copy: what each declares in its install.toml, and its zip.

Every app under snippets/ says in its install.toml what a project needs to
use it. The "Use this app" box (hooks/use_this_app.py) is made from the
declaration, and the fresh-project check (tests/test_copyable.py) reads the
same declaration and unpacks the same zip, so the box cannot say one thing
while the check does another. Nothing here needs MkDocs: the check runs on
every Django series, the site is built on one.

install.toml, every key optional:

    requires = ["orders"]           # apps of this guide it imports: in its zip too
    pip = ["django-tasks-db"]       # packages to install
    pip_on_django = {"5.2" = ["django-tasks"]}  # more, on one Django series
    settings = '''TASKS = {...}'''  # Python added to settings.py (INSTALLED_APPS
                                    # gets the app and `requires` by itself)
    urls = '''urlpatterns += [...]''' # Python added to the root urls.py
    note = '''...'''                # Markdown shown under the steps
"""

import io
import os
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
KEYS = {"requires", "pip", "pip_on_django", "settings", "urls", "note"}
EPOCH = (1980, 1, 1, 0, 0, 0)  # the oldest date a zip can hold: same input, same bytes


@dataclass(frozen=True)
class Declaration:
    app: str
    requires: tuple[str, ...] = ()
    pip: tuple[str, ...] = ()
    pip_on_django: tuple[tuple[str, tuple[str, ...]], ...] = ()
    settings: str = ""
    urls: str = ""
    note: str = ""

    @property
    def apps(self) -> list[str]:
        """Every app in the zip, the app itself first."""
        return [self.app, *self.requires]

    def pip_for(self, series: str) -> set[str]:
        """What a project on this Django series ("5.2") installs."""
        return {*self.pip, *dict(self.pip_on_django).get(series, ())}

    @property
    def settings_code(self) -> str:
        lines = f"INSTALLED_APPS += {self.apps!r}\n".replace("'", '"')
        return lines + self.settings.strip() + "\n" if self.settings.strip() else lines

    @property
    def has_migrations(self) -> bool:
        return any(any((SNIPPETS / a / "migrations").glob("0*.py")) for a in self.apps)

    @property
    def test_command(self) -> str:
        return f"python manage.py test {self.app}"


def apps() -> list[str]:
    return sorted(path.parent.name for path in SNIPPETS.glob("*/apps.py"))


def is_app(name: str) -> bool:
    return (SNIPPETS / name / "apps.py").is_file()


def declaration(app: str) -> Declaration:
    path = SNIPPETS / app / "install.toml"
    where = f"snippets/{app}/install.toml"
    if not is_app(app):
        raise ValueError(f"there is no app snippets/{app}/ (with an apps.py)")
    if not path.is_file():
        raise ValueError(f"{where} is missing: every app says what it needs there")
    data = tomllib.loads(path.read_text())
    if unknown := set(data) - KEYS:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; use {sorted(KEYS)}")
    for required in data.get("requires", []):
        if not is_app(required):
            raise ValueError(f"{where}: requires {required!r}, which is no app")
    return Declaration(
        app,
        tuple(data.get("requires", [])),
        tuple(data.get("pip", [])),
        tuple((k, tuple(v)) for k, v in data.get("pip_on_django", {}).items()),
        data.get("settings", ""),
        data.get("urls", ""),
        data.get("note", ""),
    )


def zip_bytes(app: str) -> bytes:
    """The app and the apps it requires, tests included, no __pycache__."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in declaration(app).apps:
            for path in sorted((SNIPPETS / name).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    entry = zipfile.ZipInfo(
                        path.relative_to(SNIPPETS).as_posix(), date_time=EPOCH
                    )
                    entry.external_attr = 0o644 << 16
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()


# A reader's project sees no setting of this repository's own.
READER_ENV = {
    name: value
    for name, value in os.environ.items()
    if not name.startswith("DJANGO_") and name != "PYTHONPATH"
}


def run(*args: str, cwd: Path) -> tuple[bool, str]:
    """Run this Python with args in cwd, as a reader would; (ok, what it printed)."""
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=READER_ENV, capture_output=True, text=True
    )
    return done.returncode == 0, done.stdout + done.stderr


def start_project(folder: Path) -> None:
    """`django-admin startproject mysite .` in folder, as a reader starts."""
    ok, output = run("-m", "django", "startproject", "mysite", ".", cwd=folder)
    if not ok:
        raise RuntimeError(f"startproject failed in {folder}:\n{output}")


def add_to_project(app: str, project: Path) -> None:
    """Unpack the app's zip next to manage.py and make the edits its box asks for."""
    declared = declaration(app)
    zipfile.ZipFile(io.BytesIO(zip_bytes(app))).extractall(project)
    settings = project / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + "\n" + declared.settings_code)
    if declared.urls.strip():
        urls = project / "mysite" / "urls.py"
        urls.write_text(
            urls.read_text() + "\nfrom django.urls import include\n" + declared.urls
        )
