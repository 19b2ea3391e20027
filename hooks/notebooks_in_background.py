"""Run the notebooks in a kernel while the other pages are built.

mkdocs-jupyter would run a notebook when its page is rendered, with the rest
of the build waiting for the kernel. Instead, this hook starts every notebook
the build will render in a kernel as soon as the files are known, moves the
notebook pages to the end of the build, and gives mkdocs-jupyter (set to
`execute: false`) the executed copy when their turn comes. The kernel works
on one core while MkDocs builds the Markdown pages on the other.

A cell that raises fails the build, naming the notebook and the cell, as
mkdocs-jupyter's `allow_errors: false` would.
"""

import shutil
import tempfile
import threading
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from nbclient import NotebookClient

CELL_TIMEOUT = 120  # seconds

runs = {}  # src_uri of each notebook -> its Run
originals = {}  # src_uri of each notebook page being built -> its source
folders = []  # where executed copies are written, removed after the build


class Run(threading.Thread):
    """One notebook, executed from its own folder into `executed`."""

    def __init__(self, source, executed):
        super().__init__(name=f"notebook {source.name}", daemon=True)
        self.source, self.executed, self.error = source, executed, None
        self.start()

    def run(self):
        try:
            notebook = nbformat.read(self.source, as_version=4)
            folder = {"metadata": {"path": str(self.source.parent)}}
            NotebookClient(notebook, timeout=CELL_TIMEOUT, resources=folder).execute()
            nbformat.write(notebook, self.executed)
        except Exception as error:  # reported on the main thread, by result()
            self.error = error

    def result(self, name):
        self.join()
        if self.error:
            raise PluginError(f"{name} failed to run:\n{self.error}") from self.error
        return str(self.executed)


def is_notebook(file):
    return file.src_uri.endswith(".ipynb") and file.is_documentation_page()


def on_files(files, config):
    notebooks = [file for file in files if is_notebook(file)]
    # Under `mkdocs serve --dirty`, unchanged notebooks are not rebuilt: not run.
    stale = [file for file in notebooks if file.is_modified()]
    if stale:
        folder = Path(tempfile.mkdtemp(prefix="executed-notebooks-"))
        folders.append(folder)
        for file in stale:
            source = Path(file.abs_src_path)
            runs[file.src_uri] = Run(source, folder / source.name)
    for file in notebooks:
        files.remove(file)
        files.append(file)  # built last, giving the kernel the most time
    return files


@event_priority(-100)  # after mkdocs-jupyter's on_pre_page
def on_pre_page(page, config, files):
    run = runs.pop(page.file.src_uri, None)
    if run:
        name = Path(config.docs_dir).name + "/" + page.file.src_uri
        originals[page.file.src_uri] = page.file.abs_src_path
        page.file.abs_src_path = run.result(name)
    return page


def on_page_content(html, page, config, files):
    if page.file.src_uri in originals:  # as it was, for `serve --dirty` to compare
        page.file.abs_src_path = originals.pop(page.file.src_uri)
    return html


def on_post_build(config):
    while folders:
        shutil.rmtree(folders.pop(), ignore_errors=True)


def on_build_error(error):
    on_post_build(config=None)
