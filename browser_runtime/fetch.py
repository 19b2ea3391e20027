"""Fetch what the Run buttons need, from the locks, once: Pyodide and three wheels.

Pyodide (Python compiled to WebAssembly) comes from npm, pinned in
browser_runtime/package-lock.json. Django and the two packages it needs come
from PyPI at the versions and sha256 hashes of requirements/django-6.1.txt
(pip's --require-hashes refuses anything else). Django's wheel is then
trimmed of what a page never uses (8.4 MB as published, 2.9 MB here).
Pyodide's standard library and the three wheels are then compiled to
bytecode by Pyodide's own Python (compile_archives.mjs) into compiled/, so
that a Run button does not compile every module it imports at each start.
Nothing here is committed; `make browser-runtime` runs this, and does
nothing when the files are already there for these locks.

    python browser_runtime/fetch.py        # fetch if missing or stale
"""

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCK = ROOT / "requirements" / "django-6.1.txt"
NPM_LOCK = HERE / "package-lock.json"
PYODIDE = HERE / "node_modules" / "pyodide"
COMPILED = HERE / "compiled"  # the standard library and the wheels, compiled
COMPILE = HERE / "compile_archives.mjs"
# The pure-Python wheels Django needs in the browser, by their names in the lock.
PACKAGES = ("django", "asgiref", "sqlparse")
PYODIDE_PYTHON = "3.14"  # the Python that this Pyodide series is
STDLIB = "python_stdlib.zip"
# Where Pyodide finds them at run time.
STDLIB_AT = f"/lib/python{PYODIDE_PYTHON.replace('.', '')}.zip"
SITE_PACKAGES = f"/lib/python{PYODIDE_PYTHON}/site-packages"
# The files of the npm package that a page loads (the standard library from
# COMPILED).
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    STDLIB,
    "pyodide-lock.json",
)
# Left out of Django's wheel: no page translates (Django needs English, its
# default language, all the same) or serves the admin's static files, and
# what needs a C library or a driver that Python in a browser does not have
# (GeoDjango's GDAL, psycopg, mysqlclient, oracledb) could not run there.
TRIMMED = re.compile(
    r"^django/((.+/)?locale/(?!en/)[^/]+/|contrib/admin/static/"
    r"|contrib/(gis|postgres)/|db/backends/(postgresql|mysql|oracle)/)"
)


def stamp() -> Path:
    """A file named after the locks' contents: present means up to date."""
    made_by = [LOCK, NPM_LOCK, Path(__file__), COMPILE, HERE / "compile_archive.py"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in made_by)).hexdigest()
    return HERE / f".fetched-{digest[:16]}"


def is_fetched() -> bool:
    return stamp().is_file()


def pinned_requirements() -> str:
    """The lines of the lock for PACKAGES: name==version and their hashes."""
    entries = re.split(r"\n(?=\S)", LOCK.read_text())
    chosen = []
    for entry in entries:
        name = entry.split("==", 1)[0].strip().lower()
        if name in PACKAGES:
            lines = [line for line in entry.splitlines() if "#" not in line]
            chosen.append("\n".join(lines).rstrip(" \\"))
    missing = set(PACKAGES) - {c.split("==")[0] for c in chosen}
    if missing:
        raise SystemExit(f"{LOCK.relative_to(ROOT)} pins no {sorted(missing)}")
    return "\n".join(chosen) + "\n"


def fetch_wheels() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp, "requirements.txt")
        requirements.write_text(pinned_requirements())
        downloaded = Path(tmp, "wheels")
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet"),
                *("--only-binary=:all:", "--no-deps", "--require-hashes"),
                *("--python-version", PYODIDE_PYTHON, "--implementation", "py"),
                *("-r", str(requirements), "-d", str(downloaded)),
            ],
            check=True,
        )
        for wheel in sorted(downloaded.glob("*.whl")):
            if not wheel.name.endswith("-none-any.whl"):
                raise SystemExit(f"{wheel.name} is not a pure-Python wheel")
            if wheel.name.lower().startswith("django-"):
                trim(wheel, COMPILED / wheel.name)
            else:
                shutil.copy(wheel, COMPILED / wheel.name)


def trim(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if not TRIMMED.match(item.filename):
                new.writestr(item, old.read(item), zipfile.ZIP_DEFLATED)


def fetch_pyodide() -> None:
    if not shutil.which("npm"):
        raise SystemExit(
            "browser_runtime/fetch.py: no npm on the PATH; install Node.js 18 or "
            "newer with npm (apt-get install nodejs npm)"
        )
    subprocess.run(
        [*("npm", "ci", "--prefix", str(HERE)), "--no-audit", "--no-fund", "-q"],
        check=True,
    )
    if missing := [f for f in PYODIDE_FILES if not (PYODIDE / f).is_file()]:
        raise SystemExit(f"the pyodide npm package has no {missing}")


def ensure() -> None:
    """Fetch Pyodide and the wheels unless this lock's copy is already here."""
    if is_fetched():
        return
    sys.stderr.write("browser_runtime: fetching Pyodide (npm) and Django (PyPI)\n")
    for old in HERE.glob(".fetched-*"):
        old.unlink()
    fetch_pyodide()
    shutil.rmtree(HERE / "wheels", ignore_errors=True)  # before compiled/ existed
    shutil.rmtree(COMPILED, ignore_errors=True)
    COMPILED.mkdir()
    shutil.copy(PYODIDE / STDLIB, COMPILED / STDLIB)
    fetch_wheels()
    subprocess.run(["node", COMPILE, STDLIB_AT, COMPILED / STDLIB], check=True)
    subprocess.run(["node", COMPILE, SITE_PACKAGES, *wheels()], check=True)
    stamp().touch()


def pyodide_file(name: str) -> Path:
    """Where the site's copy of one of PYODIDE_FILES comes from."""
    return COMPILED / name if name == STDLIB else PYODIDE / name


def wheels() -> list[Path]:
    return sorted(COMPILED.glob("*.whl"))


if __name__ == "__main__":
    ensure()
