"""Consistent backups with DuckDB's EXPORT DATABASE, and a restore that never half-replaces the file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from core import db


def backup(db_path, out: Path) -> Path:
    """Export every table (Parquet) and the schema into ``out``, which must not exist yet."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is a file")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    con = db.connect(db_path, read_only=True)
    try:
        con.execute(f"EXPORT DATABASE '{_quoted(out)}' (FORMAT parquet)")
    finally:
        con.close()
    return out


def restore(folder: Path, db_path, force: bool = False) -> Path:
    """Import a backup into a new file beside the database, then move it into place in one step."""
    target = Path(db_path or db.default_db_path())
    folder = Path(folder)
    if not (folder / "schema.sql").is_file():
        raise FileNotFoundError(f"{folder} is not a perfboard backup (no schema.sql)")
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists: restore with --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(suffix=".duckdb", dir=target.parent)
    os.close(fd)
    os.unlink(temp)
    con = duckdb.connect(temp)
    try:
        con.execute(f"IMPORT DATABASE '{_quoted(folder)}'")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if target.exists():
        db.connect(target).close()  # waits while another process holds the file, then lets go
    shutil.move(temp, target)
    Path(str(target) + ".wal").unlink(missing_ok=True)
    return target


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
