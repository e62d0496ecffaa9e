"""The dashboard's one link to the database: short connections, and every cache.

DuckDB lets one process hold the file for writing and then nobody else can open it, so
the dashboard opens a connection per query and closes it at once; within this process one
lock keeps a read-only and a read-write connection from ever overlapping.  Query results
are cached with the database's data version in the key: every write bumps the version,
so the next rerun sees new data without a restart.

The configuration is loaded here, once per request (``config()``: the file with the admin's
overrides, cached by data version) and passed down to every status, form and export call; every
cached result that depends on it takes the ``Config`` in its key (hashed by its digest), so an
admin's changed threshold shows on the next rerun.

The overview at city scale judges the year once per data version and month (``_full_report``, shared,
not copied, and few kept), from the year's month-independent inputs made once per data version
(``_basis``: the targets and rules, and the hotline tickets counted by month), and keeps from it what its
pages need: the projects and units worst first
(``overview``), each page's lights matrix (``matrix``) and the attention list (``attention``); a
project's own status and month-by-month paths read only that project's rows (``measures.only_project``).
One background thread judges ahead what a user is about to see (the month being signed in to, the
overview's neighbouring months), into the same caches, one job at a time (``judge_ahead``).

Who sees what (docs/domain.md §10): every page passes the signed-in actor; an actor scoped to a unit or a
主管部门 (``core.accounts.visible_project_ids``) gets the same cached report cut to their projects
(``overview_model.scope``), keyed on the actor, while every unscoped account shares one entry.  A ``View``
says whose overview it is, which unit is chosen, and whether only approved months are shown.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from core import accounts, db
from core.accounts import Actor
from core.config import Config, load_config
from core.paths import config_path, default_db_path
from dashboard.overview_model import (
    Overview,
    approved_report,
    attention_rows,
    matching,
    page_projects,
    review_marks,
    scope,
    scoped_ids,
    scoped_units,
    summarise,
    with_review,
)
from dashboard.render import matrix_html
from ingest.actuals import Upload, check_read, ingest_actuals, read_upload, replaced_count
from ingest.demo_load import load_demo_if_empty
from ingest.entry import Entry, enter_value
from metrics import measures
from metrics.paths import ProjectYear, inputs_at, judge_paths, read_project_year
from metrics.review_state import month_states as review_states
from metrics.status import (
    StatusBasis,
    StatusReport,
    compute_status,
    judge_inputs,
    latest_month_with_data,
    status_basis,
    status_inputs,
)

_LOCK = threading.RLock()
BY_DIGEST = {Config: lambda c: c.digest}  # a cached function taking the Config keys on its fingerprint


def db_path() -> Path:
    return default_db_path()


@contextmanager
def reading() -> Iterator:
    with reading_path(db_path()) as con:
        yield con


@st.cache_resource(show_spinner=False)
def _ensure(path: str) -> bool:
    with _LOCK:
        db.init(path)
        if load_demo_if_empty(path, _load_config(path)) is not None:
            accounts.ensure_demo_accounts(path)
    return True


@contextmanager
def reading_path(path) -> Iterator:
    """A read-only connection, held under the process's one lock.

    Never call a cached function (``version()``, ``config()``, …) while holding the lock: a cached
    function that misses takes its own compute lock and then this one, so a thread holding this lock
    and waiting for that compute lock would wait forever."""
    with _LOCK:
        con = db.connect(path, read_only=True)
        try:
            yield con
        finally:
            con.close()


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


# -- the configuration: loaded once per request, at this edge, and passed down --------------------
def _load_config(path) -> Config:
    with reading_path(path) as con:
        return load_config(con)


@st.cache_data(max_entries=16, show_spinner=False)
def _config(path: str, ver: int, file_changed: int) -> Config:
    return _load_config(path)


def config() -> Config:
    """The configuration in force: ``data/config.toml`` with the admin's overrides.

    Re-read when the data version moves (a changed setting is a write) or the file is edited."""
    return _config(str(db_path()), version(), config_path().stat().st_mtime_ns)


# -- cached queries: each takes the path and data version so a write invalidates it -------------
@st.cache_data(max_entries=128, show_spinner=False, hash_funcs=BY_DIGEST)
def _status(path: str, ver: int, cfg: Config, year: int, month: int, project: str | None) -> StatusReport:
    if project is None:
        basis = _basis(path, ver, cfg, year)
        with reading() as con:
            return compute_status(con, cfg, year, month, basis=basis)
    read = _project_year(path, ver, cfg, year, project, max(month, latest_month(year)))
    if read is not None:  # the project page: judged from what its paths read (the same report)
        return judge_inputs(inputs_at(read, month))
    with reading() as con, measures.only_project(-1):  # no such project: its empty report, the city's rows unread
        return compute_status(con, cfg, year, month, project)


def status(year: int, month: int, project: str | None = None, actor: Actor | None = None) -> StatusReport:
    """The year's lights (or one project's); with ``actor``, cut to the projects they may see (the downloads)."""
    report = _status(str(db_path()), version(), config(), year, month, project)
    if project is not None or actor is None:
        return report
    return scope(report, _ids(year, View(actor)))


# -- who sees what: the actor's projects, the unit chosen, approved months only (docs/domain.md §10) ---------
@dataclass(frozen=True)
class View:
    """Whose overview and how: the signed-in actor, the unit chosen on the page (None: all), approved data only."""

    actor: Actor | None = None
    unit: str | None = None
    approved_only: bool = False

    @property
    def key(self) -> tuple:
        """The cache key: unscoped accounts (admins, no unit assignment) share one entry."""
        who = self.actor if self.actor is not None and self.actor.units and not self.actor.is_admin else None
        return (who, self.unit or None, self.approved_only)


@st.cache_data(max_entries=64, show_spinner=False)
def _scope_ids(path: str, ver: int, year: int, who: Actor | None, unit: str | None) -> tuple[int, ...] | None:
    with reading() as con:
        ids = scoped_ids(con, who, year, unit)
    return None if ids is None else tuple(ids)


def _ids(year: int, view: View) -> list[int] | None:
    who, unit, _ = view.key
    ids = _scope_ids(str(db_path()), version(), year, who, unit)
    return None if ids is None else list(ids)


@st.cache_data(max_entries=64, show_spinner=False)
def _units_seen(path: str, ver: int, year: int, who: Actor | None) -> list[str]:
    with reading() as con:
        return scoped_units(con, who, year)


def units_seen(year: int, actor: Actor) -> list[str]:
    """The units of the projects ``actor`` sees (the overview's unit filter offers them)."""
    return _units_seen(str(db_path()), version(), year, View(actor).key[0])


def denied(year: int, name: str, actor: Actor) -> bool:
    """Whether ``name`` is a project of ``year`` that ``actor`` may not see (opened by URL: 无权访问)."""
    return name in project_names(year) and name not in project_names(year, actor)


# -- the overview: judged once per data version and month; each page of it made once ------------------
@st.cache_resource(max_entries=2, show_spinner=False, hash_funcs=BY_DIGEST)
def _basis(path: str, ver: int, cfg: Config, year: int) -> StatusBasis:
    """The year's targets and the measures' month-independent rows, made once per data version and
    configuration (``metrics.status.status_basis``): a month not seen before then costs only the month's
    step of its measures and its judging."""
    with reading() as con:
        return status_basis(con, year, config=cfg)


@st.cache_resource(max_entries=4, show_spinner=False, hash_funcs=BY_DIGEST)
def _full_report(path: str, ver: int, cfg: Config, year: int, month: int) -> StatusReport:
    """The whole year's report, shared (not copied) between sessions: only the pages made from it are
    copied out.  Few are kept: at 20,000 projects one report holds some hundred MB."""
    basis = _basis(path, ver, cfg, year)
    with reading() as con:
        inputs = status_inputs(con, cfg, year, month, basis=basis)
    return judge_inputs(inputs)  # judged with the lock let go: other sessions read meanwhile


@st.cache_data(max_entries=16, show_spinner=False)
def _year_scope(path: str, ver: int, year: int, who, unit: str | None):
    """The month-independent part of an overview: each project's unit, the projects ``who`` sees (None:
    all), and their review states; read once per data version, not once per month."""
    with reading() as con:
        units = con.execute("SELECT project_id, unit FROM project WHERE year = ?", [year]).df()
        ids = scoped_ids(con, who, year, unit)
        states = review_states(con, year, ids)
    return units, ids, states


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_DIGEST)
def _overview(path: str, ver: int, cfg: Config, year: int, month: int, key: tuple = (None, None, False)) -> Overview:
    who, unit, approved_only = key
    units, ids, states = _year_scope(path, ver, year, who, unit)
    seen = units["project_id"].tolist() if ids is None else ids
    marks = review_marks(states, seen, month)
    selected = _full_report(path, ver, cfg, year, month)
    if approved_only:  # only the few months some project was last approved in are judged
        months = sorted(set(marks.approved_as_of.values()))
        reports = {m: _full_report(path, ver, cfg, year, m) for m in months}
        report = approved_report(selected, reports, marks, seen)
    else:
        report = scope(selected, ids)
    return with_review(summarise(report, units), marks, approved_only)


def overview(year: int, month: int, view: View | None = None) -> Overview:
    """Headline figures, projects and units worst first (small frames, kept for many months), as ``view``
    sees them; each project marked 待审核 when its month is not approved."""
    return _overview(str(db_path()), version(), config(), year, month, (view or View()).key)


@st.cache_data(max_entries=512, show_spinner=False, hash_funcs=BY_DIGEST)
def _matrix(path: str, ver: int, cfg: Config, year: int, month: int, ids: tuple[int, ...], lang: str, headers):
    report = _full_report(path, ver, cfg, year, month)
    return matrix_html(report, page_projects(report, list(ids)), lang, list(headers))


def matrix(year: int, month: int, ids: list[int], lang: str, headers: list[str]) -> str:
    """The lights matrix of these projects (one page of the overview), made once per data version."""
    return _matrix(str(db_path()), version(), config(), year, month, tuple(ids), lang, tuple(headers))


@st.cache_data(max_entries=128, show_spinner=False, hash_funcs=BY_DIGEST)
def _attention(path: str, ver: int, cfg: Config, year: int, month: int, choice: str, limit: int, lang: str, key: tuple):
    ordered = matching(_overview(path, ver, cfg, year, month, key).projects, choice)
    if not key[2]:
        return attention_rows(_full_report(path, ver, cfg, year, month), ordered, limit, lang)
    rows, total = [], 0  # approved data only: each project's lights explained as of its approved month
    for m in sorted({int(m) for m in ordered["as_of"]} - {0}):
        some, n = attention_rows(_full_report(path, ver, cfg, year, m), ordered[ordered["as_of"] == m], limit, lang)
        rows, total = rows + some, total + n
    return rows[:limit], total


def attention(
    year: int, month: int, choice: str, limit: int, lang: str, view: View | None = None
) -> tuple[list[tuple], int]:
    """The first ``limit`` lights needing attention under the filter ``choice``, and how many in all."""
    key = (view or View()).key
    return _attention(str(db_path()), version(), config(), year, month, choice or "all", limit, lang, key)


# -- judging ahead: what a user is about to see, made in one background thread ----------------------------
AHEAD_FROM = 300  # projects in the year: below this a month not yet seen costs tens of milliseconds
AHEAD_QUEUE = 8  # jobs waiting at most; beyond, a job is not asked for (the page judges it when shown)
_ahead_jobs: dict[tuple, tuple] = {}  # job → (function, arguments), oldest first; waiting or running
_ahead_changed = threading.Condition()
_ahead_worker: list[threading.Thread] = []
_log = logging.getLogger(__name__)


def _ask_ahead(job: tuple, fn, *args) -> None:
    """Have the background thread run ``fn(*args)`` unless the same job is waiting or running already.

    One daemon thread runs the jobs one after another (it does not hold up the server's exit); each reads
    under the process's lock like any page, and a page that asks for a result being made waits for that
    one computation instead of repeating it (Streamlit's cache takes a lock per entry)."""
    with _ahead_changed:
        if job in _ahead_jobs or len(_ahead_jobs) >= AHEAD_QUEUE:
            return
        _ahead_jobs[job] = (fn, args)
        if not _ahead_worker or not _ahead_worker[0].is_alive():
            _ahead_worker[:] = [threading.Thread(target=_run_ahead, daemon=True, name="perfboard-ahead")]
            _ahead_worker[0].start()
        _ahead_changed.notify_all()


def _run_ahead() -> None:
    while True:
        with _ahead_changed:
            _ahead_changed.wait_for(lambda: _ahead_jobs)
            job, (fn, args) = next(iter(_ahead_jobs.items()))
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 (a job never fails a page: the page computes what is missing)
            _log.warning("judging ahead (%s) failed", job[0], exc_info=True)
        finally:
            with _ahead_changed:
                del _ahead_jobs[job]
                _ahead_changed.notify_all()


def ahead_settled(timeout: float = 120.0) -> bool:
    """Wait until the background thread has nothing left to do (for tests); False if it timed out."""
    with _ahead_changed:
        return _ahead_changed.wait_for(lambda: not _ahead_jobs, timeout)


def judge_ahead(year: int, month: int, view: View, choice: str, limit: int, lang: str, toward: int = -1) -> None:
    """Judge the months either side of ``month`` in the background, the one ``toward`` it first, as
    ``overview``, ``attention`` and ``quadrant`` make them for this view, so that a step of the month
    slider finds its month made.

    Only in a year of ``AHEAD_FROM`` projects or more (the whole year is judged whatever the view's
    scope): there a month not seen before costs its judging, 0.4 s at 2,000 projects, and a leader
    reading the page gives the thread that time."""
    path, ver, cfg = str(db_path()), version(), config()
    if len(_year_scope(path, ver, year, None, None)[0]) < AHEAD_FROM:
        return
    for m in (month + toward, month - toward):
        if 1 <= m <= 12:
            job = ("month", path, ver, cfg.digest, year, m, view.key, choice, limit, lang)
            _ask_ahead(job, _judge_month, path, ver, cfg, year, m, view.key, choice, limit, lang)


def _judge_month(path: str, ver: int, cfg: Config, year: int, month: int, key: tuple, *page) -> None:
    if ver != _version(path):  # the data changed since it was asked: nobody will read this version
        return
    choice, limit, lang = page
    _overview(path, ver, cfg, year, month, key)
    _attention(path, ver, cfg, year, month, choice, limit, lang, key)
    _quadrant(path, ver, cfg, year, month, key)


@st.cache_data(max_entries=16, show_spinner=False)
def _curve_totals(path: str, ver: int, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    curves = _budget_curves(path, ver, year)
    units = _year_scope(path, ver, year, None, None)[0]  # each project's unit, as the overview reads it
    whole = curves.groupby("month").agg(spent=("spent_to_date", "sum"), budget=("budget", "sum")).reset_index()
    by_unit = (
        curves.merge(units, on="project_id")
        .groupby(["unit", "month"])
        .agg(spent_to_date=("spent_to_date", "sum"), budget=("budget", "sum"))
        .reset_index()
    )
    by_unit["execution_rate"] = by_unit["spent_to_date"] / by_unit["budget"].where(by_unit["budget"] > 0)
    return whole, by_unit.rename(columns={"unit": "name"})


def budget_totals(year: int, view: View | None = None) -> pd.DataFrame:
    """The spending to date and budget by month of every project ``view`` sees (the overview chart's thick line)."""
    ids = _ids(year, view or View())
    if ids is None:
        return _curve_totals(str(db_path()), version(), year)[0]
    curves = budget_curves(year)
    curves = curves[curves["project_id"].isin(set(ids))]
    return curves.groupby("month").agg(spent=("spent_to_date", "sum"), budget=("budget", "sum")).reset_index()


def unit_curves(year: int, units: list[str]) -> pd.DataFrame:
    """Each named unit's cumulative 执行率 by month (one line per unit row on the page)."""
    by_unit = _curve_totals(str(db_path()), version(), year)[1]
    return by_unit[by_unit["name"].isin(units)]


def project_curves(year: int, names: list[str]) -> pd.DataFrame:
    """The named projects' cumulative 执行率 by month (only the projects on the page)."""
    curves = budget_curves(year)
    return curves[curves["name"].isin(names)]


@st.cache_data(max_entries=16, show_spinner=False)
def _project_names(path: str, ver: int, year: int) -> list[str]:
    with reading() as con:
        return [
            n for (n,) in con.execute("SELECT name FROM project WHERE year = ? ORDER BY project_id", [year]).fetchall()
        ]


def project_names(year: int, actor: Actor | None = None) -> list[str]:
    """The year's projects in the order of the target table (the project page's chooser); with ``actor``,
    only those they may see."""
    names = _project_names(str(db_path()), version(), year)
    ids = None if actor is None else _ids(year, View(actor))
    if ids is None:
        return names
    by_name = project_ids(year)
    seen = set(ids)
    return [n for n in names if by_name.get(n) in seen]


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


_WARMED: set[tuple] = set()


def warm_overview(asked: str = "") -> None:
    """Start judging the overview a user is about to see while they sign in: the month of the link they
    opened (``?month=YYYY-MM``), else the newest year's latest month.  Once per data version and month, in
    a background thread, into the same caches the page reads, so the first render after signing in finds
    the year's lights judged.  Best effort: the page computes whatever is not ready."""
    path, ver, cfg = str(db_path()), version(), config()
    known = years()
    if not known:
        return
    year = int(asked[:4]) if asked[:4].isdigit() and int(asked[:4]) in known else known[0]
    month = int(asked[5:7]) if asked[5:7].isdigit() and 1 <= int(asked[5:7]) <= 12 else latest_month(year)
    with _LOCK:
        if (path, ver, year, month) in _WARMED:
            return
        _WARMED.add((path, ver, year, month))
    _ask_ahead(("sign-in", path, ver, year, month), _warm, path, ver, cfg, year, month)


def _warm(path: str, ver: int, cfg: Config, year: int, month: int) -> None:
    _overview(path, ver, cfg, year, month)  # the whole year's report with it
    _budget_curves(path, ver, year)


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


@st.cache_resource(max_entries=8, show_spinner=False, hash_funcs=BY_DIGEST)
def _project_year(path: str, ver: int, cfg: Config, year: int, project: str, last_month: int) -> ProjectYear | None:
    """One project's months 1…``last_month`` as read (``metrics.paths.read_project_year``): its paths and
    its lights of each of those months are judged from it (shared, not copied: nothing changes it)."""
    with reading() as con:
        return read_project_year(con, cfg, year, project, last_month)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_DIGEST)
def _indicator_paths(path: str, ver: int, cfg: Config, year: int, project: str, last_month: int) -> pd.DataFrame:
    return judge_paths(_project_year(path, ver, cfg, year, project, last_month))


def indicator_paths(year: int, project: str, last_month: int) -> pd.DataFrame:
    """Each indicator's actual and expected to date, month by month (the same engine as the lights)."""
    return _indicator_paths(str(db_path()), version(), config(), year, project, last_month)


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
def _ledgers(path: str, ver: int, year: int, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from metrics.changes import budget_ledger, target_ledger

    with reading() as con:
        return budget_ledger(con, year, name), target_ledger(con, year, name)


def change_ledgers(year: int, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The project's 预算调整 and 绩效目标调整, current and replaced, with who, when and why."""
    return _ledgers(str(db_path()), version(), year, name)


def save_row(kind: str, values: dict[str, str], actor: Actor):
    """One row of an upload kind typed on a form (预算调整, 绩效目标调整), validated and written as a file would be."""
    from ingest.entry import enter_row

    with _LOCK:
        try:
            return enter_row(kind, values, db_path(), actor=actor)
        finally:
            _version.clear()


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
    """Validate without writing; returns the upload and how many current rows it would replace.

    The file is read with no connection and without the lock, so however large or hostile it is,
    other sessions keep loading their pages; the lock is taken only for the catalogue check."""
    cfg = config()
    with tempfile.TemporaryDirectory() as folder:
        upload, table = read_upload(_saved(data, file_name, Path(folder)), file_name, config=cfg)
    if table is None:
        return upload, 0
    with reading() as con:
        upload = check_read(con, upload, table)
        replaced = replaced_count(con, upload) if upload.kind and not upload.problems and len(upload.rows) else 0
    return upload, replaced


def write_upload(data: bytes, file_name: str, actor: Actor):
    """Validate again and write in one transaction (raises ValidationFailed, writing nothing).

    As in ``check_upload``, the file is read before the lock is taken."""
    cfg = config()
    with tempfile.TemporaryDirectory() as folder:
        try:
            return ingest_actuals(
                [_saved(data, file_name, Path(folder))],
                db_path(),
                display_names=[file_name],
                actor=actor,
                config=cfg,
                db_lock=_LOCK,
            )[0]
        finally:
            _version.clear()


def form_zip(
    kind: str, year: int, month: int, fmt: str, final: bool = False, progress=None, actor: Actor | None = None
) -> tuple[bytes, list[str]]:
    """The self-evaluation (``kind="selfeval"``) or monitoring forms of every project, zipped, and their warnings."""
    from exports.forms import export_monitor, export_selfeval

    cfg = config()
    with tempfile.TemporaryDirectory() as folder, _LOCK:
        try:
            if kind == "selfeval":
                done = export_selfeval(
                    db_path(),
                    cfg,
                    year,
                    Path(folder),
                    fmt=fmt,
                    final=final,
                    from_snapshot=False,
                    progress=progress,
                    actor=actor,
                )
            else:
                done = export_monitor(db_path(), cfg, year, month, Path(folder), fmt=fmt, progress=progress)
        finally:
            if final:
                _version.clear()
        archive = next(p for p in done.files if p.suffix == ".zip")
        return archive.read_bytes(), done.warnings


def save_summary(project: str, month: str, summary: str, actor: Actor):
    from ingest.entry import enter_summary

    with _LOCK:
        try:
            return enter_summary(project, month, summary, db_path(), actor=actor)
        finally:
            _version.clear()


def save_entry(entry: Entry, evidence: tuple[str, bytes] | None, actor: Actor):
    with _LOCK:
        try:
            return enter_value(entry, db_path(), evidence, actor=actor)
        finally:
            _version.clear()


# -- accounts, sessions and the audit trail ---------------------------------------------------------
def user_agent() -> str:
    """The browser's user agent, to which a session is bound (empty where there is none, as in tests)."""
    return str(st.context.headers.get("User-Agent") or "")


def sign_in(username: str, password: str, previous: str | None = None) -> str:
    """A new session token for the account in this browser, ending ``previous`` (the token presented before).

    Raises AuthError; failures count towards the lock-out."""
    with _LOCK:
        try:
            who = accounts.authenticate(db_path(), username, password)
            token = accounts.start_session(db_path(), who, user_agent=user_agent(), replaces=previous)
            _sessions_change()  # the session it replaces ends for every tab at once
            return token
        finally:
            _version.clear()


SESSION_RECHECK_SECONDS = 10  # how long a looked-up session is trusted before it is read again
_sessions_changed = [0]  # bumped (under the lock) by every sign-in, sign-out and account change made here


@st.cache_data(ttl=SESSION_RECHECK_SECONDS, max_entries=256, show_spinner=False)
def _actor(path: str, token: str, agent: str, ver: int, changes: int) -> Actor | None:
    with reading() as con:
        return accounts.resume_session(con, token, user_agent=agent)


def current_actor(token: str | None) -> Actor | None:
    """Who is signed in with this token in this browser, if the session has not expired.

    Every rerun asks, and opening the database costs 30–60 ms, so the answer is kept for at most
    ``SESSION_RECHECK_SECONDS``, keyed on the data version (an account changed from the command line
    bumps it: seen within ``version``'s 2 s) and on ``_sessions_changed`` (a sign-out or an account
    change made here: at once, and a lookup still under way then is stored under the old key)."""
    if not token:
        return None
    return _actor(str(db_path()), token, user_agent(), version(), _sessions_changed[0])


def _sessions_change() -> None:
    with _LOCK:
        _sessions_changed[0] += 1


def sign_out(token: str) -> None:
    with _LOCK:
        try:
            accounts.end_session(db_path(), token, user_agent=user_agent())
        finally:
            _sessions_change()


def account_rows() -> pd.DataFrame:
    with reading() as con:
        return pd.DataFrame(accounts.users(con))


def project_ids(year: int) -> dict[str, int]:
    with reading() as con:
        return dict(
            con.execute("SELECT name, project_id FROM project WHERE year = ? ORDER BY project_id", [year]).fetchall()
        )


def unit_choices() -> list[tuple[str, str]]:
    """Every (主管部门, 实施单位) the projects name, and each 主管部门 whole (unit ''): what an account may be
    scoped to (``accounts.assign_unit``)."""
    with reading() as con:
        pairs = con.execute("SELECT DISTINCT coalesce(department, ''), unit FROM project ORDER BY 1, 2").fetchall()
    departments = sorted({d for d, _ in pairs if d})
    return [(d, "") for d in departments] + [(d, u) for d, u in pairs]


def admin_write(action, *args, actor: Actor):
    """Run an accounts change (add_user, set_password, assign) as ``actor``."""
    with _LOCK:
        try:
            return action(db_path(), *args, by=actor)
        finally:
            _version.clear()
            _sessions_change()


@st.cache_data(max_entries=32, show_spinner=False)
def _audit(
    path: str, ver: tuple[int, int], viewer: Actor, who: str | None, action: str | None, since, until
) -> pd.DataFrame:
    with reading() as con:
        return accounts.audit_trail(con, viewer, who, action, since, until)


def audit(viewer: Actor, who: str | None, action: str | None, since, until) -> pd.DataFrame:
    """The audit entries ``viewer`` may read (admin: all; leader: their projects'; staff: PermissionDenied).

    Keyed on the latest entry too: sign-ins and sign-outs are audited without bumping the data version."""
    with reading() as con:
        (latest,) = con.execute("SELECT coalesce(max(audit_id), 0) FROM audit").fetchone()
    return _audit(str(db_path()), (version(), int(latest)), viewer, who, action, since, until)


@st.cache_data(max_entries=64, show_spinner=False)
def _value_history(path: str, ver: int, year: int, project: str, indicator: str) -> pd.DataFrame:
    with reading() as con:
        return con.execute(
            """
            SELECT strftime(v.month, '%Y-%m') AS month, v.value, v.rating, v.likelihood, v.deviation_reason,
                   v.measures, v.note, v.replaced_by IS NULL AS current, v.load_id, l.file_name, l.loaded_by,
                   l.loaded_at
            FROM indicator_value v JOIN indicator i USING (indicator_id) JOIN project p USING (project_id)
            JOIN load_log l ON l.load_id = v.load_id
            WHERE p.year = ? AND p.name = ? AND i.level3 = ?
            ORDER BY v.month DESC, v.load_id DESC
            """,
            [year, project, indicator],
        ).df()


def value_history(year: int, project: str, indicator: str) -> pd.DataFrame:
    """Every revision of an indicator's entered values and ratings, newest first."""
    return _value_history(str(db_path()), version(), year, project, indicator)


def revert(load_id: int, actor: Actor):
    from ingest.revert import revert_load

    with _LOCK:
        try:
            return revert_load(db_path(), load_id, actor)
        finally:
            _version.clear()


def settings() -> dict:
    from core.settings import current

    with reading() as con:
        return current(con)


def change_setting(section: str, key: str, value, actor: Actor):
    from core.settings import set_setting

    with _LOCK:
        try:
            return set_setting(db_path(), section, key, value, actor)
        finally:
            _version.clear()


# brief14: the monthly briefing, made when its button is pressed (a callable the download runs), kept per data version
@st.cache_data(max_entries=8, ttl=3600, show_spinner=False, hash_funcs=BY_DIGEST)
def _briefing(path: str, ver: int, cfg: Config, year: int, month: int, ids: tuple[int, ...] | None):
    from exports.briefing import briefing_pdf, gather, page_png

    with reading_path(path) as con:
        made = gather(con, cfg, year, month, project_ids=None if ids is None else set(ids))
    pdf = briefing_pdf(made)
    return pdf, page_png(pdf)


def briefing_files(year: int, month: int, view: View):
    """Two callables giving the briefing's PDF and PNG of the projects ``view`` shows (one making shared by
    both, run only on a click): a unit's leader never receives another unit's lights."""
    path, ver, cfg = str(db_path()), version(), config()
    ids = _ids(year, view)
    ids = None if ids is None else tuple(sorted(ids))
    return (lambda: _briefing(path, ver, cfg, year, month, ids)[0]), (
        lambda: _briefing(path, ver, cfg, year, month, ids)[1]
    )


def units_scoped(year: int, actor: Actor) -> bool:
    """Whether a unit assignment hides some of the year's projects from ``actor`` (then the whole-year form
    bundles are not offered)."""
    ids = _ids(year, View(actor))
    return ids is not None and len(ids) < len(project_names(year))


# -- draft13: the year-end 实际完成情况 (drafts and confirmed texts) --------------------------------
@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_DIGEST)
def _year_end(path: str, ver: int, cfg: Config, year: int) -> list:
    from metrics.drafts import year_end_texts as texts_of

    with reading() as con:
        return texts_of(con, cfg, year)


def year_end_texts(year: int) -> list:
    """Every project's year-end texts of ``year`` (metrics.drafts.ProjectTexts), drafts marked."""
    return _year_end(str(db_path()), version(), config(), year)


def confirm_year_end(year: int, texts: dict[int, str], overall: dict[int, str], actor: Actor):
    """Confirm (or edit) indicators' 实际完成情况 and projects' 年度总体目标 as ``actor``."""
    from ingest.summaries import confirm_summaries

    cfg = config()  # before the lock: a cached call under it could wait on another thread's (see reading_path)
    with _LOCK:
        try:
            return confirm_summaries(db_path(), year, texts, actor, config=cfg, overall=overall)
        finally:
            _version.clear()


# -- the monthly cycle (docs/domain.md §10): 填报进度, a month's review state and steps, a staff to-do ------
@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_DIGEST)
def _completeness(path: str, ver: int, cfg: Config, year: int, month: int, ids: tuple[int, ...] | None, today):
    from metrics.due import completeness as build

    with reading() as con:
        return build(con, cfg, year, month, None if ids is None else list(ids), today)


def completeness(year: int, month: int, project_ids=None):
    """填报进度 of ``year`` up to ``month`` (``metrics.due.Completeness``), as of today (the day is in the key)."""
    from core import clock

    ids = None if project_ids is None else tuple(sorted(int(p) for p in project_ids))
    return _completeness(str(db_path()), version(), config(), year, month, ids, clock.today())


@st.cache_data(max_entries=32, show_spinner=False)
def _month_review(path: str, ver: int, project_id: int, month) -> tuple[str, pd.DataFrame]:
    from metrics.review_state import state_of, steps

    with reading() as con:
        history = steps(con, month.year, [project_id])
        return str(state_of(con, project_id, month)), history[history["month"] == month].reset_index(drop=True)


def month_review(project_id: int, month) -> tuple[str, pd.DataFrame]:
    """A project-month's review state (``State`` value) and its steps, oldest first (who, when, why)."""
    return _month_review(str(db_path()), version(), int(project_id), month)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_DIGEST)
def _submit_refusal(path: str, ver: int, cfg: Config, project_id: int, name: str, month, today):
    from ingest.review import ReviewRefused, check_submittable

    with reading() as con:
        try:
            check_submittable(con, cfg, project_id, name, month, today)
        except ReviewRefused as refused:
            return refused
    return None


def submit_refusal(project_id: int, name: str, month):
    """Why the month may not be submitted yet (``ReviewRefused`` with what is missing), or None.

    The same check ``ingest.review.submit`` makes, asked before the button is offered."""
    from core import clock

    return _submit_refusal(str(db_path()), version(), config(), int(project_id), name, month, clock.today())


def may_review(actor: Actor, project_id: int) -> bool:
    with reading() as con:
        return accounts.may_review(con, actor, int(project_id))


def visible_projects(actor: Actor, year: int) -> dict[str, int]:
    """The year's projects ``actor`` may see in the cycle: staff their assigned ones; others what they oversee."""
    names = project_ids(year)
    if actor.role == "staff":
        return {n: p for n, p in names.items() if p in actor.project_ids}
    with reading() as con:
        visible = accounts.visible_project_ids(con, actor)
    return names if visible is None else {n: p for n, p in names.items() if p in visible}


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_DIGEST)
def _todo(path: str, ver: int, cfg: Config, username: str, today) -> pd.DataFrame:
    from metrics.due import todo as build

    with reading() as con:
        return build(con, cfg, username, today)


def todo(username: str) -> pd.DataFrame:
    """A staff member's to-do list as of today (``metrics.due.todo``)."""
    from core import clock

    return _todo(str(db_path()), version(), config(), username, clock.today())


def review_step(step: str, project_id: int, month, actor: Actor, reason: str | None = None):
    """Take one step of the cycle as ``actor`` (``ingest.review``): raises ``ReviewRefused``, writing nothing."""
    from ingest import review

    cfg = config()  # before the lock (see reading_path)
    with _LOCK:
        try:
            return review.run_step(db_path(), actor, int(project_id), month, review.Step(step), reason, config=cfg)
        finally:
            _version.clear()


@st.cache_data(max_entries=32, show_spinner=False)
def _month_states(path: str, ver: int, year: int, ids: tuple[int, ...]) -> pd.DataFrame:
    with reading() as con:
        return review_states(con, year, list(ids))


def month_states(year: int, project_ids) -> pd.DataFrame:
    """Each project-month of the year with a step: its state and the latest step's who, when and why."""
    return _month_states(str(db_path()), version(), year, tuple(sorted(int(p) for p in project_ids)))


# -- phone14: the overview's phone cards and the budget × results quadrant ------------------------
@st.cache_data(max_entries=512, show_spinner=False, hash_funcs=BY_DIGEST)
def _cards(path: str, ver: int, cfg: Config, year: int, month: int, ids: tuple[int, ...], lang: str):
    from dashboard.render import card_html

    report = _full_report(path, ver, cfg, year, month)
    return [(p.name, card_html(p, lang)) for p in page_projects(report, list(ids))]


def cards(year: int, month: int, ids: list[int], lang: str) -> list[tuple[str, str]]:
    """(name, card HTML) of these projects, for the phone layout of one page of the overview."""
    return _cards(str(db_path()), version(), config(), year, month, tuple(ids), lang)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_DIGEST)
def _quadrant(path: str, ver: int, cfg: Config, year: int, month: int, key: tuple) -> pd.DataFrame:
    from dashboard.overview_model import quadrant as place

    return place(_full_report(path, ver, cfg, year, month), _overview(path, ver, cfg, year, month, key).projects)


def quadrant(year: int, month: int, view: View | None = None) -> pd.DataFrame:
    """The place on the budget × results chart of every project ``view`` shows (``overview_model.quadrant``)."""
    return _quadrant(str(db_path()), version(), config(), year, month, (view or View()).key)


# projpage
@st.cache_data(max_entries=64, show_spinner=False)
def _project_id(path: str, ver: int, year: int, name: str) -> int | None:
    with reading() as con:
        row = con.execute("SELECT project_id FROM project WHERE year = ? AND name = ?", [year, name]).fetchone()
    return row[0] if row else None


def project_id(year: int, name: str) -> int | None:
    """One project's id (the project page asks on every rerun; ``project_ids`` reads the whole year uncached)."""
    return _project_id(str(db_path()), version(), year, name)


def project_paths(year: int, project: str, month: int) -> pd.DataFrame:
    """Months 1…``month`` of each indicator's path, judged once per data version up to the latest month with
    data (or ``month`` when later): a month's point does not depend on the months after it, so moving the
    project page's month slider back reuses the paths judged already."""
    upto = max(month, latest_month(year))
    paths = _indicator_paths(str(db_path()), version(), config(), year, project, upto)
    return paths[paths["month"] <= month]
