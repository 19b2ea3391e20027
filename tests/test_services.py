"""scripts/services.py: the servers it starts for a command are gone after
it, however the command ended."""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import django_versions
import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "scripts" / "services.py"
POSTGRESQL = django_versions.postgresql()
pytestmark = pytest.mark.skipif(
    not Path(f"/usr/lib/postgresql/{POSTGRESQL}/bin/initdb").exists()
    and "DATABASE_URL" in os.environ,
    reason="a server of your own in DATABASE_URL, and no Debian PostgreSQL to start",
)
ENV = {"PATH": "/usr/bin:/bin"}  # no DATABASE_URL or REDIS_URL: it starts both
CONNECT_THEN = """
import json, os, sys, time, psycopg, redis
with psycopg.connect(os.environ["DATABASE_URL"]) as db:
    version = db.info.server_version
redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
print(json.dumps([os.environ["DATABASE_URL"], os.environ["REDIS_URL"], version]))
sys.stdout.flush()
sys.exit(3) if sys.argv[1] == "fail" else time.sleep(60)
"""


def answers(url):
    with socket.socket() as probe:
        return probe.connect_ex((urlsplit(url).hostname, urlsplit(url).port)) == 0


@pytest.fixture(scope="module")
def failed_run():
    command = [sys.executable, "-c", CONNECT_THEN, "fail"]
    done = subprocess.run(
        [sys.executable, SERVICES, "--", *command],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done


def test_the_command_reaches_both_servers_and_its_exit_code_is_kept(failed_run):
    assert failed_run.returncode == 3, failed_run.stderr
    database, broker, _ = json.loads(failed_run.stdout)
    assert database.startswith("postgres://") and broker.startswith("redis://")


def test_no_server_is_left_after_a_failing_command(failed_run):
    database, broker, _ = json.loads(failed_run.stdout)
    assert not answers(database), "PostgreSQL still runs"
    assert not answers(broker), "Redis still runs"


def test_the_server_is_the_postgresql_the_site_names(failed_run):
    *_, version = json.loads(failed_run.stdout)
    assert str(version // 10000) == POSTGRESQL


def test_stopping_the_run_stops_the_servers():
    command = [sys.executable, "-c", CONNECT_THEN, "wait"]
    run = subprocess.Popen(
        [sys.executable, SERVICES, "--", *command],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        database, broker, _ = json.loads(run.stdout.readline())
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        run.kill()
        run.wait()
    assert not answers(database), "PostgreSQL still runs"
    assert not answers(broker), "Redis still runs"
