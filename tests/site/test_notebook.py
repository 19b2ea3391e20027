"""The playground notebook: run by every build, never served stale, self-contained.

mkdocs-jupyter executes docs/playground.ipynb on every `mkdocs build` and
renders it. These tests build small sites with the plugin options exactly as
mkdocs.yml sets them, to show that a raising cell fails the build and that a
change in code the notebook imports reaches the page. (That it loads nothing
from another host is checked with every page, in tests/site/test_site.py and
in the browser.) They also prove what the notebook
says about running Django in a Jupyter kernel.
"""

import contextlib
import os
import re
from html.parser import HTMLParser

import django
import nbformat
import pytest
import yaml
from mkdocs.commands.build import build as build_site
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils.yaml import get_yaml_loader
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook

from tests import pages

NOTEBOOK = pages.DOCS / "playground.ipynb"
PLUGIN = "mkdocs-jupyter"
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def plugin_options() -> dict:
    """The mkdocs-jupyter options as mkdocs.yml sets them, defaults left out."""
    path = pages.ROOT / "mkdocs.yml"
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(path)))
    config = yaml.load(path.read_text(), Loader=loader)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and PLUGIN in plugin:
            return plugin[PLUGIN]
    pytest.fail(f"mkdocs.yml does not configure the {PLUGIN} plugin")


def build(project, *, without=(), **overrides):
    """Build project/docs into project/site with the site's notebook set-up.

    It does what `mkdocs build --strict` does, in this process: the notebook
    libraries are imported once, and each build starts only a kernel, as a
    rebuild under `mkdocs serve` does. `without` drops options, so the
    plugin's default applies to them.
    """
    options = {**plugin_options(), **overrides}
    for name in without:
        del options[name]
    settings = {
        "site_name": "Notebook check",
        "theme": {"name": "material", "font": False},
        "plugins": [{PLUGIN: options}],
        "strict": True,
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(settings))
    config = load_config(str(project / "mkdocs.yml"))
    # In the project: a cache, if the options allow one, is written there.
    with contextlib.chdir(project):
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build_site(config)
        finally:
            config.plugins.on_shutdown()


def playground_project(root, notebook):
    """A folder laid out like the repository whose only page is `notebook`.

    The notebook finds snippet_project/ next to its docs/ folder, as it does
    in the repository; symbolic links lead to the real project and apps.
    """
    (root / "docs").mkdir()
    nbformat.write(notebook, root / "docs" / "playground.ipynb")
    for name in ("snippet_project", "snippets"):
        (root / name).symlink_to(pages.ROOT / name, target_is_directory=True)
    return root


def read_playground():
    return nbformat.read(NOTEBOOK, as_version=4)


def notebook_of(*sources):
    """A new notebook of code cells, for the kernel the playground names."""
    kernelspec = read_playground().metadata.kernelspec
    cells = [new_code_cell(source) for source in sources]
    return new_notebook(cells=cells, metadata={"kernelspec": kernelspec})


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def execute(notebook, **kernel_options):
    """Run a notebook in a new kernel from docs/, as the plugin's build does."""
    client = NotebookClient(
        notebook, timeout=120, resources={"metadata": {"path": str(pages.DOCS)}}
    )
    return client.execute(**kernel_options)


def printed(cell):
    return "".join(out.text for out in cell.outputs if out.output_type == "stream")


class PageParser(HTMLParser):
    """What a built notebook page prints: the text outputs of each code cell.

    A cell's output can come in several parts (stdout and stderr interleave
    as the kernel flushes them), so the parts are kept per cell and joined.
    """

    def __init__(self):
        super().__init__()
        self.cells = []  # for each code cell with text output: its parts
        self._in_new_cell = False
        self._output_depth = 0  # > 0 inside a text output's <div>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "jp-CodeCell" in (attrs.get("class") or "").split():
            self._in_new_cell = True
        if tag == "div" and self._output_depth:
            self._output_depth += 1
        elif tag == "div" and attrs.get("data-mime-type") == "text/plain":
            self._output_depth = 1
            if self._in_new_cell:
                self.cells.append([])
                self._in_new_cell = False
            self.cells[-1].append("")

    def handle_endtag(self, tag):
        if tag == "div" and self._output_depth:
            self._output_depth -= 1

    def handle_data(self, data):
        if self._output_depth:
            self.cells[-1][-1] += data


def parse(html_file):
    parser = PageParser()
    parser.feed(html_file.read_text())
    # The page puts line breaks around each output's <pre>; a part can be
    # empty, when the kernel flushed a stream with nothing new in it.
    parser.outputs = [
        "".join(part.strip("\n") + "\n" for part in parts if part.strip("\n"))
        for parts in parser.cells
    ]
    return parser


@pytest.fixture(scope="module")
def playground_build(tmp_path_factory):
    """The playground notebook, built as the site builds it."""
    root = tmp_path_factory.mktemp("playground")
    project = playground_project(root, read_playground())
    build(project)
    return project


@pytest.fixture(scope="module")
def playground_page(playground_build):
    return parse(playground_build / "site" / "playground" / "index.html")


def test_the_notebook_is_stored_without_outputs():
    # The build writes the outputs; stored ones would only go stale in git.
    for cell in code_cells(read_playground()):
        assert cell.outputs == [] and cell.execution_count is None, (
            "Clear the outputs of docs/playground.ipynb before saving it "
            "(Jupyter: Edit > Clear Outputs of All Cells)."
        )


def test_the_first_cell_sets_up_django_for_the_snippet_project():
    setup = code_cells(read_playground())[0].source
    for needed in (
        '"snippet_project"',
        '"snippets"',
        'os.environ["DJANGO_SETTINGS_MODULE"] = "site_config.playground_settings"',
        'os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"',
        "django.setup()",
        'call_command("migrate", verbosity=0)',
    ):
        assert needed in setup


def test_the_notebooks_links_lead_to_pages_of_the_site():
    # Notebook Markdown is not rewritten by MkDocs: links are written as the
    # built page's own relative URLs, and each must name a real page.
    markdown = "\n".join(
        cell.source for cell in read_playground().cells if cell.cell_type == "markdown"
    )
    links = re.findall(r"\]\(([^)]+)\)", markdown)
    assert links
    for link in links:
        assert re.fullmatch(r"\.\./[a-z-]+/[a-z-]+/", link), link
        page = pages.DOCS / f"{link.removeprefix('../').rstrip('/')}.md"
        assert page.is_file(), f"{link} leads to no page: {page} does not exist"


def test_the_build_runs_the_notebook_with_its_own_python_and_django(playground_page):
    # jupyter_client starts the "python3" kernel with the interpreter that runs
    # mkdocs, so the page shows the Django version the site was built with.
    assert playground_page.outputs[0] == f"Django {django.get_version()} is ready\n"


def test_the_page_shows_the_signals_firing(playground_page):
    shown = "".join(playground_page.outputs)
    for line in (
        "post_save   Course 'Signals 101' created=True update_fields=None",
        "pre_save    Course 'Signals, tested' update_fields=frozenset({'title'})",
        "post_delete Course 'Signals, tested'",
        "pk after delete: None",
        "pre_remove  Course_students on Ada reverse=True Course: ['Signals 201']",
        "student_count: 1",
        "send() raised: the search index is down",
        "broken_receiver returned RuntimeError('the search index is down')",
        "notify_students returned 'notified'",
        "post_delete(sender=courses.Student, instance=<courses.Student>, ",
    ):
        assert line in shown


def test_update_sends_no_signal(playground_page):
    update = next(out for out in playground_page.outputs if "rows updated" in out)
    # Only the create() before it is announced.
    assert update.splitlines() == [
        "pre_save    Course 'Signals 101' update_fields=None",
        "post_save   Course 'Signals 101' created=True update_fields=None",
        "rows updated: 1 - title now: Signals 201",
    ]


def test_send_stops_at_the_first_failing_receiver(playground_page):
    robust = next(out for out in playground_page.outputs if "send()" in out)
    # broken_receiver is connected first: with send(), notify_students never ran.
    assert robust.splitlines()[:2] == [
        "send() raised: the search index is down",
        "notify_students: Signals 201 is published",
    ]


def test_the_output_is_the_same_on_every_run(playground_page):
    """Another run in a new kernel prints what the build put on the page.

    So does running every cell again in the same kernel, as a reader may. Then
    running the receiver cell again, with `announce` edited, replaces the
    receiver: each signal is announced once, by the new one.
    """
    notebook = read_playground()
    cells = code_cells(notebook)
    again = [new_code_cell(cell.source) for cell in cells]
    receivers = next(cell.source for cell in cells if "def announce(" in cell.source)
    old_print = 'print(f"{MODEL_SIGNALS'
    edited = receivers.replace(old_print, old_print.replace("(", '("new", '))
    assert edited != receivers, "test_notebook.py: update the edit to announce()"
    create = new_code_cell('Course.objects.create(title="Signals 301")')
    notebook.cells += [*again, new_code_cell(edited), create]

    execute(notebook)

    for run in (cells, again):
        outputs = [printed(cell) for cell in run if cell.outputs]
        assert outputs == playground_page.outputs
    assert printed(create).splitlines() == [
        "new pre_save    Course 'Signals 301' update_fields=None",
        "new post_save   Course 'Signals 301' created=True update_fields=None",
    ]


def test_django_refuses_queries_in_a_kernel_without_async_unsafe():
    """What the notebook says about DJANGO_ALLOW_ASYNC_UNSAFE is so."""
    setup = code_cells(read_playground())[0].source
    lines = setup.splitlines()
    unsafe = [line for line in lines if "DJANGO_ALLOW_ASYNC_UNSAFE" in line]
    assert len(unsafe) == 1
    without = "\n".join(line for line in lines if line not in unsafe)
    notebook = notebook_of(
        "import asyncio\nprint(asyncio.get_running_loop().is_running())", without
    )
    loop = notebook.cells[0]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}

    with pytest.raises(CellExecutionError) as raised:
        execute(notebook, env=env)

    assert printed(loop) == "True\n"  # the kernel runs cells in an event loop
    assert raised.value.ename == "SynchronousOnlyOperation"


def test_a_raising_cell_fails_the_build(tmp_path, caplog):
    notebook = read_playground()
    notebook.cells.append(new_code_cell('raise RuntimeError("raised on purpose")'))
    project = playground_project(tmp_path, notebook)

    with pytest.raises(CellExecutionError, match="raised on purpose"):
        build(project)

    # The build logs which page failed and why, then stops.
    log = ANSI_COLOUR.sub("", caplog.text)
    assert "Error reading page 'playground.ipynb'" in log
    assert "RuntimeError: raised on purpose" in log
    # It is the last cell that failed, after every cell before it ran.
    assert f"Cell In[{len(code_cells(notebook))}]" in log
    assert not (project / "site" / "playground").exists()


def probe_project(root):
    """A notebook that prints a value from a module beside docs/, as from snippets/."""
    (root / "docs").mkdir()
    (root / "lib").mkdir()
    lines = ["import sys", 'sys.path.insert(0, "../lib")', "import probe"]
    source = "\n".join([*lines, "print(probe.VALUE)"])
    nbformat.write(notebook_of(source), root / "docs" / "probe.ipynb")
    return root


def build_twice(project, **options):
    """Build, change the imported module (not the notebook), build again."""
    printed_values = []
    for value in ("before the change", "after the change"):
        (project / "lib" / "probe.py").write_text(f"VALUE = {value!r}\n")
        build(project, **options)
        page = parse(project / "site" / "probe" / "index.html")
        printed_values.append(page.outputs)
    return printed_values


def test_a_change_in_imported_code_reaches_the_page(tmp_path):
    project = probe_project(tmp_path)

    first, second = build_twice(project)

    assert (first, second) == (["before the change\n"], ["after the change\n"])
    assert not (project / ".cache").exists()


def test_the_plugins_default_cache_would_show_the_old_output(tmp_path):
    # Why mkdocs.yml sets `cache: false`: the cache key is the notebook and the
    # options, so a change elsewhere leaves the page as it was.
    project = probe_project(tmp_path)

    first, second = build_twice(project, without=["cache"])

    assert (first, second) == (["before the change\n"], ["before the change\n"])
    assert (project / ".cache" / "mkdocs-jupyter").is_dir()
