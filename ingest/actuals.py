"""Monthly actuals: read an upload, validate it whole, write it in one transaction.

Validation has two steps.  ``read_upload`` reads the file and finds its kind with no database
connection and no lock: it is the part an attacker controls (size, shape, encoding), bounded by
``[limits]``.  ``check_read`` then checks the rows against the catalogue (projects, indicators,
items, the budget spent so far), in memory, with a connection the caller holds only for that.
``validate_upload`` (both) never writes: it returns the rows ready to store and every problem
(file, row, column, value, reason).  ``ingest_actuals`` reads every file first, then opens the
database once, checks and writes them in one transaction only when none has a problem.  A re-upload replaces the current
rows it covers (same project and month, or item, or indicator) by marking them
``replaced_by`` the new load: the earlier revision stays, with its load's who, when,
file and hash in ``load_log``.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core import clock
from core.accounts import Actor, PermissionDenied, check_projects, local_operator, record, record_refusal
from core.config import DEFAULT_LIMITS, DEFAULT_UNIT, Config
from core.db import log_load, write_transaction
from ingest import parsing
from ingest.actual_kinds import KINDS, Kind, required_keys
from ingest.problems import Problem, ProblemList, ValidationFailed
from ingest.tables import Table, match_header, read_raw, table_from_rows


@dataclass
class Upload:
    """A validated (or rejected) upload: rows ready to store and every problem found."""

    file: str
    kind: Kind | None
    digest: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


@dataclass
class Loaded:
    file: str
    kind: str
    rows: int
    replaced: int
    months: list[str]
    load_id: int


@dataclass
class Catalog:
    """What uploads refer to: projects, their indicators and deliverable items."""

    projects: pd.DataFrame  # project_id, name, year, budget
    indicators: pd.DataFrame  # indicator_id, project_id, level3, unit
    items: dict[int, set[str]]

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> Catalog:
        projects = con.execute("SELECT project_id, name, year, CAST(budget AS DOUBLE) AS budget FROM project").df()
        indicators = con.execute("SELECT indicator_id, project_id, level3, unit FROM indicator").df()
        items: dict[int, set[str]] = {}
        for pid, level3 in indicators[["project_id", "level3"]].itertuples(index=False):
            items.setdefault(int(pid), set()).add(level3)
        for pid, item in con.execute("SELECT project_id, item FROM deliverable_item").fetchall():
            items.setdefault(int(pid), set()).add(item)
        return cls(projects, indicators, items)


def detect_kind(header: list[str], forced: str | None, file: str, line: int) -> tuple[Kind | None, Problem | None]:
    """The kind whose required columns the header has (the most specific if several)."""
    fits = []
    for kind in KINDS.values():
        found = set(match_header(header, list(kind.columns)).values())
        if required_keys(kind) <= found:
            fits.append((len(found), len(required_keys(kind)), kind))
    fits.sort(key=lambda f: (f[0], f[1]), reverse=True)
    if forced:
        kind = KINDS[forced]
        if any(k is kind for *_, k in fits):
            return kind, None
        if fits:
            return None, Problem(file, "wrong_kind", line=line, params={"found": fits[0][2].zh, "expected": kind.zh})
        return kind, None  # let the column check name what is missing
    if fits:
        return fits[0][2], None
    closest = max(
        KINDS.values(),
        key=lambda k: (
            len(set(match_header(header, list(k.columns)).values()) & required_keys(k)) / len(required_keys(k))
        ),
    )
    missing = [
        c.zh
        for c in closest.columns
        if c.required and c.key not in match_header(header, list(closest.columns)).values()
    ]
    return None, Problem(file, "unknown_kind", line=line, params={"closest": closest.zh, "columns": "、".join(missing)})


def read_upload(
    path: Path, display_name: str | None = None, kind_name: str | None = None, *, config: Config | None = None
) -> tuple[Upload, Table | None]:
    """Read one file and find its kind, with no database: the table to check, or the upload's problems.

    ``config`` is the Config in force, loaded at the edge (``DEFAULT_LIMITS``/``DEFAULT_UNIT`` without one).

    Times written with an offset become the unit's local time here (``[unit] time_zone``), so
    everything after sees local times only."""
    path = Path(path)
    name = display_name or path.name
    limits, unit = (config.limits, config.unit) if config else (DEFAULT_LIMITS, DEFAULT_UNIT)
    upload = Upload(name, None, "")
    if not path.is_file():
        upload.problems = [Problem(name, "unreadable", params={"detail": "file not found"})]
        return upload, None
    raw, problems = read_raw(path, name, limits=limits)
    if problems:
        upload.problems = problems
        return upload, None
    kind, problem = detect_kind(raw[0][1], kind_name, name, raw[0][0])
    if problem is not None and problem.code == "unknown_kind":
        later = next((line for line, row in raw[1:11] if detect_kind(row, None, name, line)[0]), None)
        if later is not None:
            problem = Problem(name, "extra_header", line=later)
    if problem:
        upload.problems = [problem]
        return upload, None
    upload.kind = kind
    table, problems = table_from_rows(raw, list(kind.columns), name)
    if problems:
        upload.problems = problems
        return upload, None
    for col in kind.columns:
        if col.type in ("datetime", "date") and col.key in table.frame:
            table.frame[col.key] = parsing.local_times(table.frame[col.key], unit.time_zone)
    with open(path, "rb") as fh:  # within max_file_mb: read_raw checked
        upload.digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return upload, table


def check_read(
    con: duckdb.DuckDBPyConnection,
    upload: Upload,
    table: Table,
    *,
    catalog: Catalog | None = None,
    today: date | None = None,
) -> Upload:
    """Check a read table against the catalogue in ``con``; fills ``upload.rows`` and ``upload.problems``."""
    checker = _Checker(
        upload.kind,
        table.frame,
        np.asarray(table.lines),
        table.headers,
        upload.file,
        catalog or Catalog.load(con),
        today or clock.today(),
    )
    kept = checker.problems = ProblemList()  # the first MAX_PROBLEMS are kept; the rest only counted
    upload.rows, problems = checker.run(con)
    upload.problems = [_explained(p) for p in problems] + kept.more(upload.file)
    if not upload.problems and len(upload.rows):
        upload.months = sorted(pd.to_datetime(upload.rows["month"]).drop_duplicates().dt.strftime("%Y-%m"))
    return upload


def _explained(problem: Problem) -> Problem:
    """A cell refused as not a month, date or number, with the reason when it is a known trap:
    an Excel day number where a month belongs, a decimal comma, odd thousands grouping."""
    if problem.code in ("not_a_month", "not_a_date", "not_a_datetime"):
        day = parsing.excel_serial(problem.value)
        if day:
            return replace(problem, code="excel_serial", params={**problem.params, "date": day})
    if problem.code == "not_a_number":
        why = parsing.number_trouble(problem.value)
        if why:
            return replace(problem, code=why)
    return problem


def validate_upload(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display_name: str | None = None,
    kind_name: str | None = None,
    *,
    catalog: Catalog | None = None,
    today: date | None = None,
    config: Config | None = None,
) -> Upload:
    """Read and check one file against the database; writes nothing."""
    upload, table = read_upload(path, display_name, kind_name, config=config)
    if table is None:
        return upload
    return check_read(con, upload, table, catalog=catalog, today=today)


class _Checker:
    """Validation of one parsed table: each step adds problems for the rows it rejects."""

    def __init__(
        self,
        kind: Kind,
        frame: pd.DataFrame,
        lines: np.ndarray,
        headers: dict[str, str],
        file: str,
        catalog: Catalog,
        today: date,
    ):
        self.kind, self.raw, self.lines, self.headers, self.file = kind, frame, lines, headers, file
        self.catalog, self.today = catalog, today
        self.out = pd.DataFrame(index=frame.index)
        self.problems: list[Problem] = []
        self.bad = pd.Series(False, index=frame.index)  # rows with a problem already

    # -- helpers ---------------------------------------------------------------------------
    def text(self, key: str) -> pd.Series:
        """The cells of a column as the file has them ("" where the file lacks the column)."""
        return self.raw[key] if key in self.raw else pd.Series("", index=self.raw.index)

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.kind.column(key).zh

    def add(self, mask: pd.Series, code: str, key: str | None, *, value=None, params=None) -> None:
        """A problem for every row in ``mask``; ``value``/``params`` may be per-row Series."""
        mask = mask.fillna(False).astype(bool)
        for i in np.flatnonzero(mask.to_numpy()):
            idx = mask.index[i]
            v = (
                value[idx]
                if isinstance(value, pd.Series)
                else (value if value is not None else (self.raw.at[idx, key] if key in self.raw else None))
            )
            p = {k: (s[idx] if isinstance(s, pd.Series) else s) for k, s in (params or {}).items()}
            self.problems.append(
                Problem(
                    self.file,
                    code,
                    line=int(self.lines[i]),
                    column=self.header(key) if key else None,
                    value=None if v is None else str(v),
                    params=p,
                )
            )
        self.bad |= mask

    # -- steps -------------------------------------------------------------------------------
    def run(self, con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, list[Problem]]:
        self.parse_columns()
        self.resolve_projects()
        self.place_in_year()
        getattr(self, f"check_{self.kind.name}", lambda con: None)(con)
        self.check_duplicates()
        self.problems.sort(key=lambda p: (p.line or 0, self._column_order(p.column)))
        return self.stored_rows(), self.problems

    def _column_order(self, header: str | None) -> int:
        keys = [c.key for c in self.kind.columns]
        for key, text in self.headers.items():
            if text == header and key in keys:
                return keys.index(key)
        return len(keys)

    def parse_columns(self) -> None:
        for col in self.kind.columns:
            text = self.text(col.key)
            if col.required:
                self.add(parsing.blank(text), "required", col.key)
            if col.type == "text":
                self.out[col.key] = text.fillna("").astype(str).str.strip().replace("", None)
                continue
            if col.type in ("money", "number", "percent"):
                parsed, bad = parsing.numbers(text, percent_ok=col.type == "percent")
                self.add(bad, "not_a_number", col.key)
                self.add(parsed < 0, "negative", col.key)
            elif col.type == "count":
                parsed, bad = parsing.counts(text)
                self.add(bad, "not_a_count", col.key)
                self.add(parsed < 0, "negative", col.key)
            elif col.type == "month":
                parsed, bad = parsing.months(text)
                self.add(bad, "not_a_month", col.key)
            elif col.type in ("datetime", "date"):
                parsed, bad = (parsing.datetimes if col.type == "datetime" else parsing.dates)(text)
                self.add(bad, "not_a_datetime" if col.type == "datetime" else "not_a_date", col.key)
            elif col.type == "choice":
                parsed, bad = parsing.choices(text, dict(col.choices))
                allowed = " / ".join(dict.fromkeys(word for word, _ in col.choices if not word.isascii()))
                self.add(bad, "not_a_choice", col.key, params={"allowed": allowed})
            else:
                raise ValueError(f"unknown column type {col.type}")
            self.out[col.key] = parsed

    def resolve_projects(self) -> None:
        names = self.out["project"].fillna("").str.replace(r"\s+", "", regex=True)
        known = set(self.catalog.projects["name"])
        unknown = (names != "") & ~names.isin(known)
        hints = names[unknown].map(lambda n: _hint(n, known))
        self.add(unknown, "unknown_project", "project", params={"hint": hints.reindex(names.index, fill_value="")})
        self.out["project"] = names

    def place_in_year(self) -> None:
        """Pick the project of the row's year (a name may recur yearly); reject other years and the future."""
        when = pd.to_datetime(self.out[self.kind.month_from])
        self.out["month"] = when.dt.to_period("M").dt.to_timestamp()
        projects = self.catalog.projects[["project_id", "name", "year"]].astype({"year": "int64"})
        rows = pd.DataFrame({"name": self.out["project"], "year": when.dt.year.astype("Int64")}, index=self.out.index)
        pid = _lookup(rows, projects, ["name", "year"], "project_id")
        if self.kind.baseline_year_ok:  # last year's months are the baseline of this year's project
            pid = pid.fillna(_lookup(rows.assign(year=rows["year"] + 1), projects, ["name", "year"], "project_id"))
        years = projects.groupby("name")["year"].agg(lambda ys: "/".join(str(y) for y in sorted(ys)))
        self.add(
            pid.isna() & when.notna() & ~self.bad,
            "outside_year",
            self.kind.month_from,
            params={"project": self.out["project"], "year": self.out["project"].map(years)},
        )
        now = pd.Timestamp(datetime.combine(self.today, datetime.max.time()))
        future = (
            (self.out["month"] > pd.Timestamp(self.today.replace(day=1)))
            if self.kind.month_from == "month"
            else (when > now)
        )
        self.add(future & ~self.bad, "in_future", self.kind.month_from)
        self.out["project_id"] = pid
        if "indicator" in self.out:
            self.resolve_indicators()
        if "item" in self.out:
            self.resolve_items()

    def resolve_indicators(self) -> None:
        self.out["indicator"] = self.out["indicator"].fillna("").str.replace(r"\s+", "", regex=True)
        ind = self.catalog.indicators.rename(columns={"level3": "indicator"})
        ids = _lookup(self.out[["project_id", "indicator"]], ind, ["project_id", "indicator"], "indicator_id")
        unknown = ids.isna() & self.out["project_id"].notna() & (self.out["indicator"] != "")
        names_of = ind.groupby("project_id")["indicator"].agg(set)
        hints = pd.Series(
            [
                _hint(n, names_of.get(p, set()))
                for n, p in zip(self.out.loc[unknown, "indicator"], self.out.loc[unknown, "project_id"], strict=True)
            ],
            index=self.out.index[unknown],
            dtype=object,
        )
        self.add(
            unknown,
            "unknown_indicator",
            "indicator",
            params={"project": self.out["project"], "hint": hints.reindex(self.out.index, fill_value="")},
        )
        self.out["indicator_id"] = ids

    def resolve_items(self) -> None:
        known = pd.DataFrame(
            [(pid, item) for pid, items in self.catalog.items.items() for item in items], columns=["project_id", "item"]
        ).assign(known=True)
        found = _lookup(self.out[["project_id", "item"]], known, ["project_id", "item"], "known")
        unknown = found.isna() & self.out["project_id"].notna() & self.out["item"].notna()
        hints = pd.Series(
            [
                _hint(n, self.catalog.items.get(int(p), set()))
                for n, p in zip(self.out.loc[unknown, "item"], self.out.loc[unknown, "project_id"], strict=True)
            ],
            index=self.out.index[unknown],
            dtype=object,
        )
        self.add(
            unknown,
            "unknown_item",
            "item",
            params={"project": self.out["project"], "hint": hints.reindex(self.out.index, fill_value="")},
        )

    def check_duplicates(self) -> None:
        keys = [k for k in self.kind.identity]
        frame = self.out[keys].astype(str)
        dup = frame.duplicated(keep="first") & ~frame.isna().any(axis=1)
        if not dup.any():
            return
        first_line = pd.Series(self.lines, index=self.out.index).groupby([frame[k] for k in keys]).transform("first")
        key_text = frame.loc[:, [k for k in keys if k != "month"]].agg(" / ".join, axis=1)
        if "month" in keys:
            key_text = key_text + " / " + self.out["month"].dt.strftime("%Y-%m").fillna("")
        self.add(dup, "duplicate_row", None, value="", params={"other": first_line, "key": key_text})

    # -- kind-specific rules -------------------------------------------------------------------
    def _greater(self, key: str, other: str) -> None:
        a, b = self.out[key], self.out[other]
        self.add(
            a > b,
            "greater_than",
            key,
            value=a.map(_fmt),
            params={"column": self.header(key), "other": self.header(other), "other_value": b.map(_fmt)},
        )

    def _earlier(self, key: str, other: str) -> None:
        a, b = self.out[key], self.out[other]
        self.add(
            a < b,
            "earlier_than",
            key,
            value=self.text(key),
            params={"column": self.header(key), "other": self.header(other), "other_value": self.text(other)},
        )

    def check_hotline_month(self, con) -> None:
        self._greater("accepted", "received")
        self._greater("accepted_on_time", "accepted")
        self._greater("closed", "received")

    def check_hotline_ticket(self, con) -> None:
        self._earlier("accepted_at", "received_at")
        self._earlier("closed_at", "received_at")

    def check_opinion_event(self, con) -> None:
        self._earlier("detected_at", "appeared_at")
        self._earlier("reported_at", "detected_at")

    def check_opinion_hours(self, con) -> None:
        self.add(self.out["hours"] > 24, "hours_range", "hours")

    def check_indicator_values(self, con) -> None:
        out = self.out
        self.add(out["value"].isna() & out["rating"].isna() & ~self.bad, "value_or_rating", "value")
        units = self.catalog.indicators.set_index("indicator_id")["unit"]
        unit = out["indicator_id"].map(units)
        self.add((unit == "%") & (out["value"] > 100), "percent_over_100", "value")
        needs_reason = out["likelihood"].isin(["possible", "impossible"]) & (
            out["deviation_reason"].isna() | out["measures"].isna()
        )
        self.add(needs_reason, "reason_required", "likelihood")

    def check_budget(self, con) -> None:
        """Spending to date may not pass the year's budget (执行率 above 100% is impossible)."""
        ok = self.out["project_id"].notna() & ~self.bad
        if not ok.any():
            return
        new = self.out.loc[ok, ["project_id", "month", "spent"]].assign(line=self.lines[np.flatnonzero(ok.to_numpy())])
        old = con.execute(
            "SELECT project_id, CAST(month AS TIMESTAMP) AS month, CAST(spent AS DOUBLE) AS spent "
            "FROM budget_month WHERE replaced_by IS NULL"
        ).df()
        old = old[~old.set_index(["project_id", "month"]).index.isin(new.set_index(["project_id", "month"]).index)]
        both = pd.concat([old.assign(line=np.nan), new]).sort_values(["project_id", "month"])
        both["total"] = both.groupby("project_id")["spent"].cumsum()
        budgets = self.catalog.projects.set_index("project_id")["budget"]
        both["budget"] = both["project_id"].map(budgets)
        over = both[(both["total"] > both["budget"] + 0.005) & both["line"].notna()]
        for _pid, rows in over.groupby("project_id"):
            first = rows.iloc[0]
            self.problems.append(
                Problem(
                    self.file,
                    "over_budget",
                    line=int(first["line"]),
                    column=self.header("spent"),
                    params={"total": f"{first['total']:,.2f}", "budget": f"{first['budget']:,.2f}"},
                )
            )

    # -- output --------------------------------------------------------------------------------
    def stored_rows(self) -> pd.DataFrame:
        out = self.out
        keep = [c.key for c in self.kind.columns if c.key not in ("project", "indicator")]
        id_cols = ["indicator_id"] if "indicator" in out else ["project_id"]
        columns = id_cols + (["month"] if "month" not in keep else []) + keep
        rows = out[columns]
        for col in id_cols:
            rows = rows.assign(**{col: rows[col].astype("Int64")})
        return rows.reset_index(drop=True)


def _lookup(rows: pd.DataFrame, table: pd.DataFrame, keys: list[str], value: str) -> pd.Series:
    """``table[value]`` for each row's ``keys`` (NaN where none), aligned with ``rows``."""
    left = rows[keys].copy()
    right = table[keys + [value]].drop_duplicates(keys)
    for k in keys:
        if k in ("project_id", "year"):
            left[k] = pd.to_numeric(left[k], errors="coerce").astype("Float64")
            right = right.assign(**{k: pd.to_numeric(right[k]).astype("Float64")})
        else:
            left[k] = left[k].astype(object)
            right = right.assign(**{k: right[k].astype(object)})
    merged = left.reset_index().merge(right, on=keys, how="left").set_index("index")
    return merged[value].reindex(rows.index)


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


HINT_CHARS = 200  # no name is longer; matching a longer text would cost time (difflib is quadratic) for nothing


def _hint(name: str, candidates: set[str]) -> str:
    """The closest known name, as a suggestion; worked out once per distinct name and catalogue."""
    if len(name) > HINT_CHARS:
        return ""
    return _closest(name, tuple(sorted(candidates)))


@lru_cache(maxsize=4096)
def _closest(name: str, candidates: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.4)
    return f"，是否为“{close[0]}”？" if close else ""


def replaced_count(con: duckdb.DuckDBPyConnection, upload: Upload) -> int:
    """How many current rows a valid upload would replace (for the preview before confirming)."""
    kind = upload.kind
    keys = upload.rows[list(kind.replaces)].drop_duplicates()
    con.register("upload_keys", keys)
    try:
        match = " AND ".join(f"t.{k} = CAST(k.{k} AS {_KEY_TYPES[k]})" for k in kind.replaces)
        return con.execute(
            f"SELECT count(*) FROM {kind.table} t JOIN upload_keys k ON {match} WHERE t.replaced_by IS NULL"
        ).fetchall()[0][0]
    finally:
        con.unregister("upload_keys")


_KEY_TYPES = {
    "project_id": "INTEGER",
    "indicator_id": "INTEGER",
    "month": "DATE",
    "item": "VARCHAR",
    "ref_type": "VARCHAR",
}


AUDIT_ROWS = 20  # small writes (a form, a correction) keep their rows before and after in the audit


def write_upload(con: duckdb.DuckDBPyConnection, upload: Upload, actor: Actor | None = None) -> Loaded:
    """Store a validated upload inside the caller's transaction, with its audit entry; returns what it did."""
    kind = upload.kind
    load_id = log_load(
        con, f"actuals:{kind.name}", upload.file, upload.digest, len(upload.rows), detail=",".join(upload.months)
    )
    cols = list(upload.rows.columns)
    con.register("upload_rows", upload.rows)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM {kind.table} LIMIT 0")
        con.execute(
            f"INSERT INTO staged ({', '.join(cols)}, load_id) SELECT {', '.join(cols)}, ? FROM upload_rows", [load_id]
        )
    finally:
        con.unregister("upload_rows")
    match = " AND ".join(f"t.{k} = k.{k}" for k in kind.replaces)
    replaced = con.execute(
        f"UPDATE {kind.table} AS t SET replaced_by = ? "
        f"FROM (SELECT DISTINCT {', '.join(kind.replaces)} FROM staged) AS k "
        f"WHERE t.replaced_by IS NULL AND {match}",
        [load_id],
    ).fetchone()[0]
    con.execute(f"INSERT INTO {kind.table} SELECT * FROM staged")
    con.execute("DROP TABLE staged")
    small = len(upload.rows) <= AUDIT_ROWS and (replaced or 0) <= AUDIT_ROWS
    before = _rows(con, kind.table, "replaced_by", load_id) if small else {"rows": int(replaced or 0)}
    after = _rows(con, kind.table, "load_id", load_id) if small else {"rows": len(upload.rows)}
    record(
        con, actor or local_operator(), f"upload:{kind.name}", upload.file, before=before, after=after, load_id=load_id
    )
    return Loaded(upload.file, kind.name, len(upload.rows), int(replaced or 0), upload.months, load_id)


def _rows(con: duckdb.DuckDBPyConnection, table: str, column: str, load_id: int) -> list[dict]:
    cur = con.execute(f"SELECT * EXCLUDE (load_id, replaced_by) FROM {table} WHERE {column} = ?", [load_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def touched_projects(uploads: list[Upload], catalog: Catalog) -> set[int]:
    """The projects a set of validated uploads would change."""
    owner = dict(zip(catalog.indicators["indicator_id"], catalog.indicators["project_id"], strict=True))
    out: set[int] = set()
    for u in uploads:
        if "project_id" in u.rows:
            out |= {int(p) for p in u.rows["project_id"].dropna().unique()}
        elif "indicator_id" in u.rows:
            out |= {int(owner[i]) for i in u.rows["indicator_id"].dropna().unique()}
    return out


def ingest_actuals(
    files: list[Path],
    db_path=None,
    kind: str | None = None,
    display_names: list[str] | None = None,
    today: date | None = None,
    also=None,
    actor: Actor | None = None,
    *,
    config: Config | None = None,
    db_lock: AbstractContextManager | None = None,
) -> list[Loaded]:
    """Read every file, then check and write them all in one transaction, or raise ValidationFailed and write nothing.

    The files are read before the database is opened, and ``db_lock`` (the caller's own lock, e.g. the
    dashboard's) is held only around the database work.  ``also(con, loaded)``, when given, writes more in
    the same transaction (e.g. an evidence file).
    """
    names = display_names or [Path(f).name for f in files]
    db_lock = db_lock or nullcontext()
    read = [read_upload(Path(f), names[i], kind, config=config) for i, f in enumerate(files)]
    problems = [p for upload, _ in read for p in upload.problems]
    if problems:
        raise ValidationFailed(problems)
    try:
        with db_lock:
            return _ingest(read, db_path, today, also, actor)
    except PermissionDenied:
        with db_lock:
            record_refusal(db_path, actor, "upload", "、".join(names))
        raise


def _ingest(read: list[tuple[Upload, Table]], db_path, today, also, actor) -> list[Loaded]:
    with write_transaction(db_path) as con:
        catalog = Catalog.load(con)
        uploads = [check_read(con, upload, table, catalog=catalog, today=today) for upload, table in read]
        problems = [p for u in uploads for p in u.problems]
        if problems:
            raise ValidationFailed(problems)
        names = dict(zip(catalog.projects["project_id"], catalog.projects["name"], strict=True))
        check_projects(actor, touched_projects(uploads, catalog), names, "上传或修改这些项目的数据")
        loaded = [write_upload(con, u, actor) for u in uploads]
        if also is not None:
            also(con, loaded)
        pause = float(os.environ.get("PERFBOARD_PAUSE_BEFORE_COMMIT", "0"))  # lets tests kill a load mid-way
        if pause:
            print("writing", flush=True)
            time.sleep(pause)
        return loaded
