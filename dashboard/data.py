"""The dashboard's one link to the database: short connections, and every cache.

DuckDB lets one process hold the file for writing and then nobody else can open it, so
the dashboard opens a connection per query and closes it at once; within this process one
lock keeps a read-only and a read-write connection from ever overlapping.  Query results
are cached with the database's data version in the key: every write bumps the version,
so the next rerun sees new data without a restart.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.actuals import Upload, ingest_actuals, replaced_count, validate_upload
from ingest.demo_load import load_demo
from ingest.entry import Entry, enter_value
from metrics import measures
from metrics.status import StatusReport, compute_status, latest_month_with_data
from perfboard import db
from perfboard.paths import default_db_path

_LOCK = threading.RLock()


def db_path() -> Path:
    return default_db_path()


@contextmanager
def reading() -> Iterator:
    with _LOCK:
        con = db.connect(db_path(), read_only=True)
        try:
            yield con
        finally:
            con.close()


@st.cache_resource(show_spinner=False)
def _ensure(path: str) -> bool:
    with _LOCK:
        db.init(path)
        con = db.connect(path, read_only=True)
        try:
            empty = con.execute("SELECT count(*) FROM project").fetchone()[0] == 0
        finally:
            con.close()
        if empty:
            load_demo(path)
    return True


def ensure_database() -> None:
    """First start on an empty database: create it and load the demo (once per process)."""
    _ensure(str(db_path()))


@st.cache_data(ttl=2, show_spinner=False)
def _version(path: str) -> int:
    with reading() as con:
        return db.data_version(con)


def version() -> int:
    """The data version (re-read at most every 2 s, and at once after a write from this dashboard)."""
    return _version(str(db_path()))


# -- cached queries: each takes the path and data version so a write invalidates it -------------
@st.cache_data(max_entries=128, show_spinner=False)
def _status(path: str, ver: int, year: int, month: int, project: str | None) -> StatusReport:
    with reading() as con:
        return compute_status(con, year, month, project)


def status(year: int, month: int, project: str | None = None) -> StatusReport:
    return _status(str(db_path()), version(), year, month, project)


@st.cache_data(max_entries=16, show_spinner=False)
def _years(path: str, ver: int) -> list[int]:
    with reading() as con:
        return [y for (y,) in con.execute("SELECT DISTINCT year FROM project ORDER BY year DESC").fetchall()]


def years() -> list[int]:
    return _years(str(db_path()), version())


@st.cache_data(max_entries=16, show_spinner=False)
def _latest_month(path: str, ver: int, year: int) -> int | None:
    with reading() as con:
        return latest_month_with_data(con, year)


def latest_month(year: int) -> int:
    """The default as-of month: the latest month with data, else December."""
    return _latest_month(str(db_path()), version(), year) or 12


@st.cache_data(max_entries=16, show_spinner=False)
def _budget_curves(path: str, ver: int, year: int) -> pd.DataFrame:
    with reading() as con:
        curves = measures.budget_by_month(con, year)
        names = con.execute("SELECT project_id, name FROM project WHERE year = ?", [year]).df()
    return curves.merge(names, on="project_id")


def budget_curves(year: int) -> pd.DataFrame:
    return _budget_curves(str(db_path()), version(), year)


@st.cache_data(max_entries=64, show_spinner=False)
def _project_facts(path: str, ver: int, year: int, name: str) -> dict | None:
    with reading() as con:
        cur = con.execute("SELECT * FROM project WHERE year = ? AND name = ?", [year, name])
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))


def project_facts(year: int, name: str) -> dict | None:
    return _project_facts(str(db_path()), version(), year, name)


@st.cache_data(max_entries=64, show_spinner=False)
def _indicator_paths(path: str, ver: int, year: int, project: str, last_month: int) -> pd.DataFrame:
    rows = []
    with reading() as con:
        for month in range(1, last_month + 1):
            report = compute_status(con, year, month, project)
            for p in report.projects:
                for i in p.indicators:
                    rows.append(
                        {
                            "indicator": i.name,
                            "month": month,
                            "actual": i.actual,
                            "expected": i.expected,
                            "status": i.status,
                        }
                    )
    return pd.DataFrame(rows)


def indicator_paths(year: int, project: str, last_month: int) -> pd.DataFrame:
    """Each indicator's actual and expected to date, month by month (the same engine as the lights)."""
    return _indicator_paths(str(db_path()), version(), year, project, last_month)


HISTORY_SQL = """
WITH touched AS (
    SELECT load_id, replaced_by, project_id FROM budget_month
    UNION ALL SELECT load_id, replaced_by, project_id FROM hotline_month
    UNION ALL SELECT load_id, replaced_by, project_id FROM hotline_ticket
    UNION ALL SELECT load_id, replaced_by, project_id FROM opinion_event
    UNION ALL SELECT load_id, replaced_by, project_id FROM opinion_hours
    UNION ALL SELECT load_id, replaced_by, project_id FROM visitors_month
    UNION ALL SELECT load_id, replaced_by, project_id FROM deliverable_month
    UNION ALL SELECT v.load_id, v.replaced_by, i.project_id FROM indicator_value v JOIN indicator i USING (indicator_id)
    UNION ALL SELECT r.load_id, r.replaced_by, i.project_id FROM reference_value r JOIN indicator i USING (indicator_id)
)
SELECT l.load_id, l.loaded_at, l.loaded_by, l.kind, l.file_name, l.detail,
       count(*) AS rows, count(*) FILTER (WHERE t.replaced_by IS NOT NULL) AS replaced_later
FROM touched t JOIN load_log l USING (load_id) JOIN project p USING (project_id)
WHERE p.year = ? AND p.name = ?
GROUP BY ALL ORDER BY l.load_id DESC
"""


@st.cache_data(max_entries=64, show_spinner=False)
def _history(path: str, ver: int, year: int, name: str) -> pd.DataFrame:
    with reading() as con:
        return con.execute(HISTORY_SQL, [year, name]).df()


def upload_history(year: int, name: str) -> pd.DataFrame:
    return _history(str(db_path()), version(), year, name)


@st.cache_data(max_entries=16, show_spinner=False)
def _indicators(path: str, ver: int, year: int) -> pd.DataFrame:
    with reading() as con:
        return con.execute(
            "SELECT p.name AS project, i.level3 AS indicator, i.kind, i.unit FROM indicator i "
            "JOIN project p USING (project_id) WHERE p.year = ? ORDER BY p.project_id, i.seq",
            [year],
        ).df()


def indicators(year: int) -> pd.DataFrame:
    return _indicators(str(db_path()), version(), year)


# -- writes ---------------------------------------------------------------------------------------
def _saved(data: bytes, file_name: str, folder: Path) -> Path:
    """The upload under a name of our own: only the suffix of the user's file name is kept."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm", ".tsv"):
        suffix = ".bin"
    path = folder / f"upload{suffix}"
    path.write_bytes(data)
    return path


def check_upload(data: bytes, file_name: str) -> tuple[Upload, int]:
    """Validate without writing; returns the upload and how many current rows it would replace."""
    with tempfile.TemporaryDirectory() as folder, reading() as con:
        upload = validate_upload(con, _saved(data, file_name, Path(folder)), file_name)
        replaced = replaced_count(con, upload) if upload.kind and not upload.problems and len(upload.rows) else 0
    return upload, replaced


def write_upload(data: bytes, file_name: str):
    """Validate again and write in one transaction (raises ValidationFailed, writing nothing)."""
    with tempfile.TemporaryDirectory() as folder, _LOCK:
        try:
            return ingest_actuals([_saved(data, file_name, Path(folder))], db_path(), display_names=[file_name])[0]
        finally:
            _version.clear()


def form_zip(kind: str, year: int, month: int, fmt: str, final: bool = False, progress=None) -> tuple[bytes, list[str]]:
    """The self-evaluation (``kind="selfeval"``) or monitoring forms of every project, zipped, and their warnings."""
    from exports.forms import export_monitor, export_selfeval

    with tempfile.TemporaryDirectory() as folder, _LOCK:
        try:
            if kind == "selfeval":
                done = export_selfeval(db_path(), year, Path(folder), fmt=fmt, final=final, progress=progress)
            else:
                done = export_monitor(db_path(), year, month, Path(folder), fmt=fmt, progress=progress)
        finally:
            if final:
                _version.clear()
        archive = next(p for p in done.files if p.suffix == ".zip")
        return archive.read_bytes(), done.warnings


def save_summary(project: str, month: str, summary: str):
    from ingest.entry import enter_summary

    with _LOCK:
        try:
            return enter_summary(project, month, summary, db_path())
        finally:
            _version.clear()


def save_entry(entry: Entry, evidence: tuple[str, bytes] | None):
    with _LOCK:
        try:
            return enter_value(entry, db_path(), evidence)
        finally:
            _version.clear()
