"""Every hostile file of ``tests/data/hostile/*/cases.toml``, through the CLI and the dashboard's upload page.

A case is refused: non-zero exit, every ``expect`` text in the output, no traceback, and the database
exactly as it was (a checksum over every table).  A ``heavy`` case runs the CLI as its own process,
held to under 1 GiB of peak memory and 30 s.  A ``dashboard`` case is also uploaded on the 填报 page:
an error shown, no exception, no confirm button, nothing written.  One more test proves that while
an upload is being read, another session's overview is served.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

import duckdb
import pytest
from dash_helpers import app
from helpers import DATA, ROOT, run_cli
from hostile_files import GENERATORS

HOSTILE = DATA / "hostile"
COMMANDS = {"actuals": ("ingest", "actuals"), "targets": ("ingest", "targets")}
KEYS = {"file", "generated", "command", "expect", "heavy", "dashboard"}
HEAVY_MEMORY = 1024**3
HEAVY_SECONDS = 30


def _cases() -> list:
    params = []
    for manifest in sorted(HOSTILE.glob("*/cases.toml")):
        with open(manifest, "rb") as fh:
            cases = tomllib.load(fh)["case"]
        for i, case in enumerate(cases, start=1):
            source = case.get("file") or case.get("generated")
            params.append(pytest.param(manifest.parent, case, id=f"{manifest.parent.name}-{i}-{source}"))
    return params


CASES = _cases()
DASHBOARD_CASES = [p for p in CASES if p.values[1].get("dashboard")]


def test_the_corpus_is_well_formed():
    """Every case names one source that exists, a known command and what to expect."""
    assert len(CASES) >= 20
    for param in CASES:
        folder, case = param.values
        assert set(case) <= KEYS, param.id
        assert ("file" in case) != ("generated" in case), param.id
        assert "file" not in case or (folder / case["file"]).is_file(), param.id
        assert "generated" not in case or case["generated"] in GENERATORS, param.id
        assert case["command"] in COMMANDS and case["expect"], param.id
        assert not case.get("dashboard") or case["command"] == "actuals", param.id


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Each generator run once per session, on first use."""
    folder = tmp_path_factory.mktemp("hostile-generated")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            target = folder / name
            target.mkdir()
            made[name] = GENERATORS[name](target)
        return made[name]

    return get


def source(folder: Path, case: dict, generated) -> Path:
    return folder / case["file"] if "file" in case else generated(case["generated"])


def copy_of(template: Path, folder: Path) -> Path:
    path = folder / "hostile.duckdb"
    shutil.copyfile(template, path)
    wal = template.with_name(template.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, path.with_name(path.name + ".wal"))
    return path


def checksum(db: Path) -> str:
    """Every row of every table, in a stable order: equal checksums, equal content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        digest = hashlib.sha256()
        for table in tables:
            rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{table}"').fetchall())
            digest.update(f"{table}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        con.close()


def run_measured(args: list[str], db: Path) -> tuple[int, str, int, float]:
    """The CLI as its own process: exit status, output, peak resident memory (bytes) and seconds."""
    env = {**os.environ, "PERFBOARD_USER": "tester"}
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", *args, "--db", str(db)], stdout=out, stderr=out, cwd=ROOT, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return proc.returncode, out.read().decode("utf-8", "replace"), usage.ru_maxrss * 1024, elapsed


@pytest.mark.parametrize(("folder", "case"), CASES)
def test_cli_refuses_and_writes_nothing(folder, case, demo_template, generated, tmp_path):
    path = source(folder, case, generated)
    db = copy_of(demo_template, tmp_path)
    before = checksum(db)
    args = [*COMMANDS[case["command"]], str(path)]
    if case.get("heavy"):
        code, output, peak, seconds = run_measured(args, db)
        print(f"{path.name}: peak {peak / 1024**2:.0f} MiB, {seconds:.1f} s")
        assert peak < HEAVY_MEMORY, f"peak memory {peak / 1024**2:.0f} MiB"
        assert seconds < HEAVY_SECONDS, f"{seconds:.1f} s"
    else:
        result = run_cli(*args, db=db)
        code, output = result.returncode, result.stdout + result.stderr
    assert code != 0, output
    assert "Traceback" not in output, output
    missing = [text for text in case["expect"] if text not in output]
    assert not missing, f"missing {missing} in:\n{output[:2000]}"
    assert checksum(db) == before


@pytest.fixture(scope="module")
def upload_page(demo_template, tmp_path_factory):
    """One signed-in 填报 page on its own copy of the demo, reused by every dashboard case."""
    db = copy_of(demo_template, tmp_path_factory.mktemp("hostile-dashboard"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERFBOARD_DB", str(db))
        mp.setenv("PERFBOARD_USER", "tester")
        yield app(None, page="views/entry.py"), db


def shown_text(at) -> str:
    parts = [e.value for kind in ("error", "warning", "exception", "markdown", "text", "code") for e in at.get(kind)]
    parts += [str(getattr(e, "value", "")) for e in at.get("dataframe")]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(("folder", "case"), DASHBOARD_CASES)
def test_dashboard_refuses_and_writes_nothing(folder, case, upload_page, generated):
    at, db = upload_page
    path = source(folder, case, generated)
    before = checksum(db)
    at.file_uploader(key="upload").set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert at.error, shown_text(at)
    assert "Traceback" not in shown_text(at)
    assert not [b for b in at.button if b.key == "confirm"]
    assert checksum(db) == before


def test_an_upload_being_read_holds_no_lock_and_no_connection(demo_template, tmp_path, monkeypatch):
    """While one session's file is read, another session's overview is computed and served, and the
    database file is free (a CLI ingest would not be told "busy"): the read holds neither."""
    from dashboard import data
    from ingest import actuals

    db = copy_of(demo_template, tmp_path)
    monkeypatch.setenv("PERFBOARD_DB", str(db))
    reading, release = threading.Event(), threading.Event()
    real_read = actuals.iter_raw

    def slow_read(*args, **kwargs):
        reading.set()
        assert release.wait(30)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(actuals, "iter_raw", slow_read)
    body = (DATA / "actuals" / "budget.csv").read_bytes()
    checked = {}
    upload = threading.Thread(target=lambda: checked.update(result=data.check_upload(body, "budget.csv")))
    upload.start()
    try:
        assert reading.wait(30)
        overview = {}
        other = threading.Thread(target=lambda: overview.update(report=data.status(2020, 6)))
        other.start()
        other.join(20)
        assert not other.is_alive(), "the overview waited for the upload being read"
        assert len(overview["report"].projects) == 5
        duckdb.connect(str(db)).close()  # read-write: no connection of this process holds the file
    finally:
        release.set()
        upload.join(30)
    upload_checked, _ = checked["result"]
    assert not upload_checked.problems and len(upload_checked.rows) == 4
