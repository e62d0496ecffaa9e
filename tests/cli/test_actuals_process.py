"""Actuals loads as separate processes: killed mid-way, and two at once."""

import os
import signal
import subprocess
import sys

import duckdb
import pytest
from helpers import DATA, ROOT, SEED, run_cli

GOOD = DATA / "actuals"


@pytest.fixture
def targets_db(db_path):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    run_cli("ingest", "bindings", str(ROOT / "data" / "bindings_2020.toml"), "--year", "2020", db=db_path, check=True)
    return db_path


def snapshot(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("budget_month", "hotline_ticket", "load_log", "meta")
        }
    finally:
        con.close()


def start_ingest(db, *files, pause: float = 0) -> subprocess.Popen:
    env = {
        **os.environ,
        "PERFBOARD_USER": "tester",
        "PERFBOARD_PAUSE_BEFORE_COMMIT": str(pause),
        "PERFBOARD_BUSY_TIMEOUT": "60",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ingest", "actuals", *map(str, files), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def test_killed_ingest_leaves_the_database_as_it_was(targets_db):
    run_cli("ingest", "actuals", str(GOOD / "budget.csv"), db=targets_db, check=True)
    before = snapshot(targets_db)
    proc = start_ingest(targets_db, GOOD / "hotline_tickets.csv", GOOD / "deliverables.csv", pause=60)
    assert proc.stdout.readline().strip() == "writing"  # rows are written, the transaction is open
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert snapshot(targets_db) == before
    run_cli("ingest", "actuals", str(GOOD / "hotline_tickets.csv"), db=targets_db, check=True)  # and it still works


def test_two_uploads_at_once_both_land(targets_db):
    first = start_ingest(targets_db, GOOD / "budget.csv", pause=1.5)
    assert first.stdout.readline().strip() == "writing"  # holds the database now
    second = start_ingest(targets_db, GOOD / "hotline_tickets.csv")
    assert first.wait(timeout=60) == 0, first.stderr.read()
    assert second.wait(timeout=60) == 0, second.stderr.read()
    con = duckdb.connect(str(targets_db), read_only=True)
    kinds = [
        k for (k,) in con.execute("SELECT kind FROM load_log WHERE kind LIKE 'actuals:%' ORDER BY load_id").fetchall()
    ]
    con.close()
    assert kinds == ["actuals:budget", "actuals:hotline_ticket"]
