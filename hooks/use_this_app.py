"""The "Use this app" box, and the zip each box links to.

Every app under snippets/ says in its install.toml what a project needs to
use it. A page puts `<!-- use this app: profiles -->` on a line of its own
where the box belongs; this hook replaces the line with the box, made from
the declaration, and adds downloads/<app>.zip to the site. The fresh-project
check (tests/test_copyable.py) reads the same declaration and unpacks the
same zip, so the box cannot say one thing while the check does another.

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
import re
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
MARKER = re.compile(r"^<!-- use this app: ([a-z_]+) -->$", re.M)
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


def reader_apps() -> list[str]:
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


def indent(text: str, prefix: str = "        ") -> str:
    return "".join(
        prefix + line if line.strip() else line for line in text.splitlines(True)
    )


def box(app: str, page_uri: str) -> str:
    """The box's Markdown, for a page at page_uri (guide/x.md)."""
    it = declaration(app)
    up = "../" * (len(PurePosixPath(page_uri).parts) - 1)
    holds = f"the app `{app}` with its tests"
    if it.requires:
        holds += (
            ", and " + ", ".join(f"`{r}`" for r in it.requires) + ", which it imports"
        )
    steps = []
    if it.pip:
        install = f"Install what it needs: `pip install {' '.join(it.pip)}`"
        for series, more in it.pip_on_django:
            install += f", and on Django {series} `pip install {' '.join(more)}`"
        steps.append(install)
    steps.append(
        "Add to `settings.py`:\n\n" + indent("```python\n" + it.settings_code + "```\n")
    )
    if it.urls.strip():
        steps.append(
            "Add to your root `urls.py`:\n\n"
            + indent("```python\n" + it.urls.strip() + "\n```\n")
        )
    if it.has_migrations:
        steps.append("Create its tables: `python manage.py migrate`")
    steps.append(f"Run its tests: `{it.test_command}`")
    numbered = "\n".join(
        f"    {n}. {step.rstrip()}\n" for n, step in enumerate(steps, 1)
    )
    note = "\n" + indent(it.note.strip() + "\n", "    ") if it.note.strip() else ""
    return (
        f'!!! tip "Use this app: {app}"\n\n'
        f"    [{app}.zip]({up}downloads/{app}.zip) holds {holds}. "
        "Unpack it next to your `manage.py`, then:\n\n" + numbered + note
    )


def on_files(files, config):
    for app in reader_apps():
        files.append(
            File.generated(config, f"downloads/{app}.zip", content=zip_bytes(app))
        )
    return files


def on_page_markdown(markdown, page, config, files):
    def replace(match):
        app = match[1]
        try:
            return box(app, page.file.src_uri)
        except ValueError as error:
            raise PluginError(
                f"docs/{page.file.src_uri}: use this app: {error}"
            ) from None

    return MARKER.sub(replace, markdown)
