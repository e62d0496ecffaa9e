"""The database file: schema upgrades and bounded waits while another process holds it."""

import subprocess
import sys
import time

import duckdb
import pytest
from helpers import SEED, run_cli

from core import db


def test_init_creates_current_schema(db_path):
    assert db.init(db_path) == 0
    con = duckdb.connect(str(db_path))
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert db.data_version(con) == 0
    con.close()
    assert db.init(db_path) == db.SCHEMA_VERSION


def test_upgrade_keeps_data(db_path, monkeypatch):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    newer = [*db.MIGRATIONS, "ALTER TABLE project ADD COLUMN note VARCHAR;"]
    monkeypatch.setattr(db, "MIGRATIONS", newer)
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(newer))
    assert db.init(db_path) == len(newer) - 1
    con = duckdb.connect(str(db_path))
    assert con.execute("SELECT count(*), count(note) FROM project").fetchone() == (5, 0)
    assert db.schema_version(con) == len(newer)
    con.close()


def test_newer_database_is_refused(db_path, monkeypatch):
    db.init(db_path)
    monkeypatch.setattr(db, "SCHEMA_VERSION", db.SCHEMA_VERSION - 1)
    with pytest.raises(RuntimeError, match="newer"):
        db.init(db_path)


def test_writes_bump_the_data_version(db_path):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    with db.read_connection(db_path) as con:
        assert db.data_version(con) == 1


def _hold(path, seconds: float) -> subprocess.Popen:
    """Another process that opens the database read-write and keeps it for ``seconds``."""
    code = (
        "import duckdb, sys, time\n"
        f"con = duckdb.connect({str(path)!r})\n"
        "print('ready', flush=True)\n"
        f"time.sleep({seconds})\n"
        "con.close()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_busy_database_gives_up_cleanly(db_path):
    db.init(db_path)
    holder = _hold(db_path, 5)
    try:
        started = time.monotonic()
        with pytest.raises(db.DatabaseBusy, match="数据库正忙"):
            db.connect(db_path, timeout=0.5)
        assert time.monotonic() - started < 3
        result = run_cli("ingest", "targets", str(SEED), db=db_path, env={"PERFBOARD_BUSY_TIMEOUT": "0.5"})
        assert result.returncode == 3 and "busy" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    with db.read_connection(db_path) as con:
        assert con.execute("SELECT count(*) FROM project").fetchone()[0] == 0


def test_ingest_waits_for_a_short_hold(db_path):
    db.init(db_path)
    holder = _hold(db_path, 1.5)
    try:
        result = run_cli("ingest", "targets", str(SEED), db=db_path, env={"PERFBOARD_BUSY_TIMEOUT": "30"})
    finally:
        holder.wait()
    assert result.returncode == 0, result.stderr
    with db.read_connection(db_path) as con:
        assert con.execute("SELECT count(*) FROM project").fetchone()[0] == 5
