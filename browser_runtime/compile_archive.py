"""A zip archive with its modules as bytecode only, made in Pyodide's Python.

browser_runtime/compile_archives.mjs calls compile_archive() for each
archive: Pyodide's standard library, or a wheel. Each `x.py` becomes `x.pyc`
in its place, with no source beside it, as in Pyodide's own packages: a
traceback through these modules names the file and the line, without the
line's text (the reader's own code keeps its source, and its lines show). A
wheel's RECORD is written anew, for the files it now holds.
"""

import base64
import hashlib
import py_compile
import tempfile
import zipfile
from pathlib import Path


def bytecode(source: bytes, installed_as: str, folder: Path) -> bytes:
    path = folder / "module.py"
    path.write_bytes(source)
    compiled = py_compile.compile(
        path,
        dfile=installed_as,  # the file tracebacks name
        doraise=True,
        # With no source beside it, a .pyc is loaded without any check.
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    return Path(compiled).read_bytes()


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"{name},sha256={digest.decode()},{len(data)}"


def compile_archive(source: str, target: str, installed_at: str) -> None:
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w") as new,
        tempfile.TemporaryDirectory() as folder,
    ):
        records, record = [], None
        for item in old.infolist():
            name, data = item.filename, old.read(item)
            if name.endswith(".dist-info/RECORD"):
                record = name
                continue
            if name.endswith(".py"):
                data = bytecode(data, f"{installed_at}/{name}", Path(folder))
                name += "c"
            new.writestr(name, data, zipfile.ZIP_DEFLATED)
            records.append(record_line(name, data))
        if record:
            records.append(f"{record},,")
            new.writestr(record, "\n".join(records) + "\n", zipfile.ZIP_DEFLATED)
