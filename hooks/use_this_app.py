"""The "Use this app" box, and the zip each box links to.

A page puts `<!-- use this app: profiles -->` on a line of its own where the
box belongs; this hook replaces the line with the box, made from the app's
install.toml (hooks/copyable_apps.py), and adds downloads/<app>.zip to the
site.
"""

import re
from pathlib import PurePosixPath

from copyable_apps import apps, declaration, zip_bytes
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

MARKER = re.compile(r"^<!-- use this app: ([a-z_]+) -->$", re.M)


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
    for app in apps():
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
