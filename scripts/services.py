"""Throwaway PostgreSQL and Redis servers for a command: `make test` uses it.

    python scripts/services.py -- pytest snippets

starts a PostgreSQL server and a Redis server from Debian's packages, each
in a temporary directory on a free port, runs the command with DATABASE_URL
and REDIS_URL pointing at them, then stops both and deletes their files,
whatever the command did. A DATABASE_URL or REDIS_URL already set is used as
it is, and its server is not started.

Not CELERY_BROKER_URL: Celery reads that variable before any app's own
broker_url, so it would take the in-memory broker away from tests that
bring their own app.

PostgreSQL refuses to run as root, and this often runs as root (CI, a
container): then the server runs as the `postgres` user the package creates.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
import django_versions  # noqa: E402  (what the site says it ran on)

READY_WITHIN = 30  # seconds for a server to accept connections


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_it_answers(process, port, log):
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited:\n{log.read_text()}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port)),
        ):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{process.args[0]} did not answer in time:\n{log.read_text()}")


@contextlib.contextmanager
def running(command, port, folder, **options):
    """Start a server logging into folder, wait for its port, always stop it."""
    log = Path(folder) / "log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=output, start_new_session=True, **options
        )
    try:
        wait_until_it_answers(process, port, log)
        yield
    finally:
        stop(process)


def stop(process):
    """Ask a process to stop; kill it if it has not within 10 seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def postgres_bin():
    """Where Debian's package put the server the site names (pyproject.toml)."""
    major = django_versions.postgresql()
    bin_dir = f"/usr/lib/postgresql/{major}/bin"
    if not os.path.exists(f"{bin_dir}/initdb"):
        found = ", ".join(glob.glob("/usr/lib/postgresql/*")) or "none"
        raise RuntimeError(
            f"PostgreSQL {major} is missing (found: {found}): `make test` installs "
            "it (scripts/install-system-packages.sh). For another version, change "
            "[tool.guide] postgresql in pyproject.toml, which the site names."
        )
    return bin_dir


@contextlib.contextmanager
def postgres():
    bin_dir = postgres_bin()
    as_user = {"user": "postgres", "group": "postgres"} if os.getuid() == 0 else {}
    with tempfile.TemporaryDirectory(prefix="guide-postgres-") as folder:
        if as_user:
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)
        data = os.path.join(folder, "data")
        initdb = [f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "--auth=trust"]
        subprocess.run(
            [*initdb, "--encoding=UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            text=True,
            **as_user,
        )
        port = free_port()
        command = [f"{bin_dir}/postgres", "-D", data, "-p", str(port), "-k", folder]
        # A throwaway server: durability off, so the tests do not wait on fsync.
        for setting in ("fsync", "full_page_writes", "synchronous_commit"):
            command += ["-c", f"{setting}=off"]
        command += ["-c", "listen_addresses=127.0.0.1"]
        with running(command, port, folder, **as_user):
            yield f"postgres://postgres@127.0.0.1:{port}/postgres"


@contextlib.contextmanager
def redis():
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError(
            "redis-server is missing: `make test` installs it "
            "(scripts/install-system-packages.sh), or set REDIS_URL"
        )
    port = free_port()
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    with (
        tempfile.TemporaryDirectory(prefix="guide-redis-") as folder,
        running([*command, "--dir", folder], port, folder),
    ):
        yield f"redis://127.0.0.1:{port}/0"


def main(command):
    with contextlib.ExitStack() as servers:
        env = dict(os.environ)
        if "DATABASE_URL" not in env:
            env["DATABASE_URL"] = servers.enter_context(postgres())
        if "REDIS_URL" not in env:
            env["REDIS_URL"] = servers.enter_context(redis())
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    if sys.argv[1:2] != ["--"] or len(sys.argv) < 3:
        sys.exit(__doc__)
    # Stopped by a signal, still stop the servers: exit through the finally blocks.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    try:
        sys.exit(main(sys.argv[2:]))
    except (RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", None) or ""
        sys.exit(f"scripts/services.py: {error}\n{detail}".rstrip())
