"""Helpers shared by the tests: paths and a runner for the real ``perfboard`` command."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "data" / "seed_2020_targets.txt"


def run_cli(
    *args: str, db: Path | None = None, check: bool = False, env: dict | None = None, subprocess_: bool = False
) -> subprocess.CompletedProcess:
    """Run the real ``perfboard`` command: in this process (fast), or as a separate process.

    ``db`` is passed as ``--db`` after the command.
    """
    argv = [*args, *(["--db", str(db)] if db is not None else [])]
    full_env = {"PERFBOARD_USER": "tester", **(env or {})}
    if subprocess_:
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, **full_env},
            timeout=300,
        )
    else:
        result = _in_process(argv, full_env)
    if check and result.returncode != 0:
        raise AssertionError(f"perfboard {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _in_process(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    from cli.main import main

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)  # returns the exit status, usage errors included: it never calls sys.exit
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def upload(db: Path, folder: Path, name: str, text: str) -> None:
    """Write ``text`` as the file ``name`` in ``folder`` and load it as actuals (ValidationFailed if it does not fit)."""
    from ingest.actuals import ingest_actuals

    path = folder / name
    path.write_text(text, encoding="utf-8")
    ingest_actuals([path], db)


def target_contents(db) -> dict:
    """A database's targets: projects and indicators without ids and load references, in load order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        projects = con.execute("SELECT * EXCLUDE (project_id, load_id) FROM project ORDER BY project_id").fetchall()
        indicators = con.execute(
            "SELECT p.name, i.* EXCLUDE (indicator_id, project_id) FROM indicator i JOIN project p USING (project_id) "
            "ORDER BY p.project_id, i.seq"
        ).fetchall()
        return {"project": projects, "indicator": indicators}
    finally:
        con.close()
