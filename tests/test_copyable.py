"""Every app works where a reader puts it: in a new project, from its zip.

For each app under snippets/: a project made by `startproject` (and
migrated, as a reader's is), the app's zip from the site unpacked next to
manage.py, exactly what its "Use this app" box says applied, then
`migrate` and `manage.py test <app>`. The projects run two at a time.
A reader's environment holds only what the box says to install, so the box
must name every package the app imports.
"""

import ast
import importlib.metadata
import io
import os
import re
import shutil
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor

import copyable_apps
import django
import pytest

APPS = copyable_apps.apps()


def try_app(app, template, tmp_path_factory):
    """What a reader sees, step by step: (ok, output of the last step)."""
    project = tmp_path_factory.mktemp(app)
    shutil.copytree(template, project, dirs_exist_ok=True)
    copyable_apps.add_to_project(app, project)
    ok, output = copyable_apps.run("manage.py", "migrate", cwd=project)
    if ok:
        ok, output = copyable_apps.run(
            "manage.py", "test", app, "--noinput", cwd=project
        )
    return ok, output


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A reader's project: `startproject mysite .`, then `migrate`."""
    project = tmp_path_factory.mktemp("template")
    copyable_apps.start_project(project)
    ok, output = copyable_apps.run("manage.py", "migrate", cwd=project)
    assert ok, output
    return project


@pytest.fixture(scope="module")
def outcomes(request, template, tmp_path_factory):
    """Every selected app's outcome, run in parallel before the first test."""
    chosen = [
        item.callspec.params["app"]
        for item in request.session.items
        if item.originalname == "test_app_works_from_its_zip_in_a_new_project"
    ]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = pool.map(lambda app: try_app(app, template, tmp_path_factory), chosen)
        return dict(zip(chosen, results, strict=True))


@pytest.mark.parametrize("app", APPS)
def test_app_works_from_its_zip_in_a_new_project(app, outcomes):
    ok, output = outcomes[app]
    assert ok, (
        f"snippets/{app} fails in a new project set up as its box says:\n{output}"
    )
    ran = re.search(r"^Ran (\d+) tests?", output, re.M)
    assert ran and int(ran[1]) > 0, f"no test of snippets/{app} ran:\n{output}"


@pytest.mark.parametrize("app", APPS)
def test_the_zip_holds_the_app_and_nothing_that_changes_by_itself(app):
    entries = zipfile.ZipFile(io.BytesIO(copyable_apps.zip_bytes(app))).infolist()
    names = [entry.filename for entry in entries]
    assert f"{app}/apps.py" in names
    assert not [name for name in names if "__pycache__" in name]
    # No file dates or modes from the disk: same files, same bytes.
    assert {(e.date_time, e.external_attr) for e in entries} == {
        (copyable_apps.EPOCH, 0o644 << 16)
    }


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_packages(app):
    """Installed distributions that the files in the app's zip import."""
    ours = {*copyable_apps.declaration(app).apps, "django", *sys.stdlib_module_names}
    modules = set()
    for path in (copyable_apps.SNIPPETS / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.partition(".")[0])
    # A module with no installed distribution is imported for the other Django
    # series only (django_tasks on 5.2): the run on that series checks it.
    providers = importlib.metadata.packages_distributions()
    return {canonical(d) for m in modules - ours for d in providers.get(m, [])}


def installed_with(packages):
    """The packages and what they install with them, one level down."""
    found = set(packages)
    for package in packages:
        for requirement in importlib.metadata.requires(package) or []:
            if "extra ==" not in requirement:
                found.add(canonical(re.match(r"[A-Za-z0-9_.-]+", requirement)[0]))
    return found


@pytest.mark.parametrize("app", APPS)
def test_the_box_names_every_package_the_app_imports(app):
    series = "{}.{}".format(*django.VERSION)
    declared = {canonical(n) for n in copyable_apps.declaration(app).pip_for(series)}
    missing = imported_packages(app) - installed_with(declared | {"django"})
    assert not missing, (
        f"snippets/{app} imports {sorted(missing)}: add them to pip in "
        f"snippets/{app}/install.toml, or its box leaves readers with an ImportError"
    )


def test_a_declaration_with_an_unknown_key_names_its_file(tmp_path, monkeypatch):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "apps.py").touch()
    (tmp_path / "shop" / "install.toml").write_text('pip = ["x"]\nsetings = "X = 1"\n')
    monkeypatch.setattr(copyable_apps, "SNIPPETS", tmp_path)
    with pytest.raises(
        ValueError, match=r"snippets/shop/install.toml: unknown keys \['setings'\]"
    ):
        copyable_apps.declaration("shop")


def functions_named(name, path):
    tree = ast.parse(path.read_text(), str(path))
    return [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name
    ]


def test_every_copy_of_the_taught_recorder_is_the_one_the_testing_page_teaches():
    """An app carries its own copy of recorded(), so that it stands alone; each
    copy is the helper docs/guide/testing.md teaches, word for word."""
    taught_file = copyable_apps.SNIPPETS / "signal_testing" / "testing.py"
    (taught,) = functions_named("recorded", taught_file)
    roots = [copyable_apps.SNIPPETS, copyable_apps.SNIPPETS.parent / "site_tooling"]
    copies = [
        (path.relative_to(copyable_apps.SNIPPETS.parent).as_posix(), copy)
        for root in roots
        for path in root.rglob("*.py")
        if path != taught_file
        for copy in functions_named("recorded", path)
    ]
    differing = [path for path, copy in copies if ast.dump(copy) != ast.dump(taught)]
    assert copies, "no app carries a copy of recorded(): is the test looking?"
    assert not differing, (
        f"recorded() in {differing} differs from snippets/signal_testing/testing.py: "
        "copy the taught helper as it is, or give yours another name"
    )
