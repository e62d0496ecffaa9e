"""What is due in the monthly cycle (docs/domain.md §10): per project, month and stream, whether it was filed, on time.

A *stream* is what staff file for a project and month: the budget (every project), and each measure stream
an indicator of the project is bound to (hotline, opinion, visitors, deliverables), every month; values and
ratings (``values``) only in their due months (a binding's ``due``, else ``[due] value_months``).  Which
stream an indicator feeds is read from its rule's table in the registry (``metrics.rules``), never listed here.

A month's entries are due by ``[cycle] deadline_day`` of the following month.  Each cell gets one state:
已审核 (its month approved), 退回 (returned), 已报 (filed), 逾期 (not filed, deadline passed) or 未到期.  Filed on
time means the first load of that month's stream (``load_log.loaded_at``) came at or before the deadline's
end.  "Today" is ``core.clock.today()`` unless the caller gives one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd

from core import clock
from core.config import Config
from metrics.review_state import State, month_states
from metrics.rules import DEFAULT_RULE, REGISTRY, RuleName
from metrics.rules.base import params_of


class CellState(StrEnum):
    """Where one project × month × stream stands."""

    APPROVED = "approved"  # 已审核
    RETURNED = "returned"  # 退回
    FILED = "filed"  # 已报
    LATE = "late"  # 逾期: not filed, deadline passed
    NOT_DUE = "not_due"  # 未到期: not filed, deadline still ahead


CELL_LABELS = {
    "zh": {"approved": "已审核", "returned": "退回", "filed": "已报", "late": "逾期", "not_due": "未到期"},
    "en": {"approved": "approved", "returned": "returned", "filed": "filed", "late": "late", "not_due": "not yet due"},
}


@dataclass(frozen=True)
class Stream:
    key: str
    zh: str
    en: str
    tables: tuple[str, ...]  # filed when any of them has a current row for the project and month
    to_date: str | None = None  # a column whose row states a figure to date: it covers months 1…m


STREAMS: dict[str, Stream] = {
    s.key: s
    for s in (
        Stream("budget", "预算执行", "budget execution", ("budget_month",), "spent_to_date"),
        Stream("hotline", "12345热线", "12345 hotline", ("hotline_ticket", "hotline_month")),
        Stream("opinion", "舆情监控", "public-opinion monitoring", ("opinion_hours", "opinion_event")),
        Stream("visitors", "博物馆参观", "museum visitors", ("visitors_month",)),
        Stream("deliverables", "产出数量", "deliverables", ("deliverable_month",), "count_to_date"),
        Stream("values", "指标值与评级", "values and ratings", ("indicator_value",)),
    )
}
_TABLE_STREAM = {table: s.key for s in STREAMS.values() for table in s.tables}


@lru_cache(maxsize=64)
def stream_of_rule(name: str) -> str | None:
    """The stream a rule reads: the first table its registry entry names (``"hotline_ticket / hotline_month"``)."""
    first = re.split(r"[\s,/]+", REGISTRY[RuleName(name)].stream.strip())[0]
    return _TABLE_STREAM.get(first)


def deadline(year: int, month: int, config: Config) -> date:
    """The day by which a month's entries are due: ``deadline_day`` of the following month."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following.replace(day=config.cycle.deadline_day)


def reporting_month(config: Config, today: date | None = None) -> date:
    """The month staff are filing now: last month until its deadline has passed, then this month."""
    today = today or clock.today()
    this = today.replace(day=1)
    if today.day <= config.cycle.deadline_day:
        return (this - timedelta(days=1)).replace(day=1)
    return this


def last_month(year: int, today: date | None = None) -> int:
    """The last month of ``year`` that has begun (12 for a past year, 0 for a future one)."""
    today = today or clock.today()
    return 12 if year < today.year else (today.month if year == today.year else 0)


# -- what is due --------------------------------------------------------------------------------------
def due_indicators(con: duckdb.DuckDBPyConnection, config: Config, year: int, project_ids=None) -> pd.DataFrame:
    """Every indicator of the year with the stream it feeds and, for values and ratings, its due months.

    Columns: project_id, indicator_id, indicator (三级目标), rule, stream, due_months (list of months; every
    month for a measure stream).  Targets of the prose (计划内目标) feed their streams but enter no values;
    not-applicable indicators are due nothing.
    """
    rows = con.execute(
        """
        SELECT i.project_id, i.indicator_id, i.level3 AS indicator, i.kind, b.rule, b.params, 'table' AS origin
        FROM indicator i JOIN project p USING (project_id) LEFT JOIN binding b USING (indicator_id)
        WHERE p.year = $year AND ($ids IS NULL OR list_contains($ids, i.project_id))
        UNION ALL
        SELECT t.project_id, t.indicator_id, t.name, t.kind, b.rule, b.params, 'plan'
        FROM plan_target t JOIN project p USING (project_id) LEFT JOIN binding b USING (indicator_id)
        WHERE p.year = $year AND ($ids IS NULL OR list_contains($ids, t.project_id))
        ORDER BY 1, 2
        """,
        {"year": year, "ids": None if project_ids is None else [int(p) for p in project_ids]},
    ).df()
    rows = rows[rows["kind"] != "not_applicable"]
    rule = rows["rule"].where(rows["rule"].notna(), rows["kind"].map(DEFAULT_RULE)).astype(str)
    stream = rule.map({r: stream_of_rule(r) for r in rule.unique()})
    every = list(range(1, 13))
    months_of = {p: list(params_of(p).get("due") or config.due.value_months) for p in rows["params"].dropna().unique()}
    default = list(config.due.value_months)
    due = [
        (months_of.get(p, default) if isinstance(p, str) else default) if s == "values" else every
        for s, p in zip(stream, rows["params"], strict=True)
    ]
    out = rows.assign(rule=rule, stream=stream, due_months=due)
    out = out[out["stream"].notna() & ~((out["stream"] == "values") & (out["origin"] == "plan"))]
    return out[["project_id", "indicator_id", "indicator", "rule", "stream", "due_months"]].reset_index(drop=True)


def _filed(con: duckdb.DuckDBPyConnection, stream: Stream, year: int) -> pd.DataFrame:
    """(project_id, month number) → whether a current row covers it and when it was first loaded."""
    parts = []
    for table in stream.tables:
        columns = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()}
        covers = (
            f"CASE WHEN t.{stream.to_date} IS NOT NULL THEN generate_series(1, month(t.month)) "
            "ELSE [month(t.month)] END"
            if stream.to_date in columns
            else "[month(t.month)]"
        )
        parts.append(
            f"SELECT t.project_id, unnest({covers}) AS m, t.replaced_by IS NULL AS current, l.loaded_at "
            f"FROM {table} t JOIN load_log l USING (load_id) JOIN project p USING (project_id) "
            "WHERE p.year = $year AND year(t.month) = $year"
        )
    return con.execute(
        f"SELECT project_id, m AS month_no, bool_or(current) AS filed, min(loaded_at) AS first_at "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL",
        {"year": year},
    ).df()


def _filed_values(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return con.execute(
        """
        SELECT v.indicator_id, month(v.month) AS month_no, bool_or(v.replaced_by IS NULL) AS filed,
               min(l.loaded_at) AS first_at
        FROM indicator_value v JOIN load_log l USING (load_id)
        WHERE year(v.month) = $year GROUP BY ALL
        """,
        {"year": year},
    ).df()


CELL_COLUMNS = [
    "project_id",
    "project",
    "month",
    "stream",
    "deadline",
    "filed",
    "first_filed_at",
    "on_time",
    "missing",
    "review_state",
    "state",
]


def cells(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    year: int,
    month: int | None = None,
    project_ids=None,
    today: date | None = None,
) -> pd.DataFrame:
    """Every due project × month × stream of ``year`` up to ``month`` (default: the last month begun).

    Columns: project_id, project, month (first of month, a date), stream (``STREAMS`` key), deadline (date),
    filed (bool), first_filed_at (when the month's stream was first loaded; for values, when its last due
    indicator was), on_time (filed at or before the deadline; None while not filed), missing (the 三级目标 still
    to enter, values only), review_state (``State`` value of the project-month), state (``CellState`` value).
    """
    today = today or clock.today()
    month = last_month(year, today) if month is None else month
    projects = con.execute(
        "SELECT project_id, name FROM project WHERE year = $year AND ($ids IS NULL OR list_contains($ids, project_id)) "
        "ORDER BY project_id",
        {"year": year, "ids": None if project_ids is None else [int(p) for p in project_ids]},
    ).df()
    if projects.empty or month < 1:
        return pd.DataFrame(columns=CELL_COLUMNS)
    months = list(range(1, month + 1))
    indicators = due_indicators(con, config, year, projects["project_id"].tolist())
    frames = [_stream_cells(con, STREAMS["budget"], projects["project_id"], months, year)]
    for key in ("hotline", "opinion", "visitors", "deliverables"):
        users = indicators.loc[indicators["stream"] == key, "project_id"].unique()
        if len(users):
            frames.append(_stream_cells(con, STREAMS[key], pd.Series(users), months, year))
    frames.append(_value_cells(con, indicators[indicators["stream"] == "values"], months, year))
    out = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    out["project"] = out["project_id"].map(dict(zip(projects["project_id"], projects["name"], strict=True)))
    out["deadline"] = out["month_no"].map({m: deadline(year, m, config) for m in months})
    out["month"] = out["month_no"].map({m: date(year, m, 1) for m in months})
    first = pd.to_datetime(out["first_filed_at"])
    out["first_filed_at"] = first
    ends = out["month_no"].map({m: deadline_end(deadline(year, m, config)) for m in months})
    on_time = (first < pd.to_datetime(ends)).to_numpy()
    out["on_time"] = np.where(out["filed"].to_numpy(dtype=bool), on_time, None)
    states = month_states(con, year, projects["project_id"].tolist())
    review = {
        (int(p), m.month): s for p, m, s in zip(states["project_id"], states["month"], states["state"], strict=True)
    }
    out["review_state"] = [
        review.get((int(p), int(m)), str(State.OPEN)) for p, m in zip(out["project_id"], out["month_no"], strict=True)
    ]
    out["state"] = [
        _state(r, bool(f), d, today) for r, f, d in zip(out["review_state"], out["filed"], out["deadline"], strict=True)
    ]
    order = {k: n for n, k in enumerate(STREAMS)}
    out = out.assign(_o=out["stream"].map(order)).sort_values(["project_id", "month_no", "_o"], ignore_index=True)
    return out[CELL_COLUMNS]


def _state(review: str, filed: bool, due_by: date, today: date) -> str:
    if review == State.APPROVED:
        return str(CellState.APPROVED)
    if review == State.RETURNED:
        return str(CellState.RETURNED)
    if filed:
        return str(CellState.FILED)
    return str(CellState.LATE if today > due_by else CellState.NOT_DUE)


def _stream_cells(con, stream: Stream, project_ids: pd.Series, months: list[int], year: int) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([project_ids.astype(int).tolist(), months], names=["project_id", "month_no"])
    filed = _filed(con, stream, year).astype({"project_id": int, "month_no": int}).set_index(["project_id", "month_no"])
    out = filed.reindex(grid).reset_index()
    out["filed"] = out["filed"].fillna(False).astype(bool)
    out["first_filed_at"] = out["first_at"]
    out["stream"] = stream.key
    out["missing"] = [[] for _ in range(len(out))]
    return out[["project_id", "month_no", "stream", "filed", "first_filed_at", "missing"]]


def _value_cells(con, indicators: pd.DataFrame, months: list[int], year: int) -> pd.DataFrame:
    """One cell per project and due month: filed when every indicator due then has its entry."""
    if indicators.empty:
        return pd.DataFrame()
    due = indicators.explode("due_months").rename(columns={"due_months": "month_no"})
    due = due[due["month_no"].isin(months)].astype({"month_no": int, "indicator_id": int})
    if due.empty:
        return pd.DataFrame()
    filed = _filed_values(con, year).astype({"indicator_id": int, "month_no": int})
    due = due.merge(filed, on=["indicator_id", "month_no"], how="left")
    due["filed"] = due["filed"].fillna(False).astype(bool)
    groups = due.groupby(["project_id", "month_no"], sort=True)
    out = groups.agg(filed=("filed", "all"), first_filed_at=("first_at", "max")).reset_index()
    missing = due[~due["filed"]].groupby(["project_id", "month_no"])["indicator"].agg(list)
    out["missing"] = [missing.get((p, m), []) for p, m in zip(out["project_id"], out["month_no"], strict=True)]
    out.loc[~out["filed"], "first_filed_at"] = pd.NaT
    out["stream"] = "values"
    return out[["project_id", "month_no", "stream", "filed", "first_filed_at", "missing"]]


# -- what a project-month still lacks, and a staff member's to-do list -------------------------------
@dataclass(frozen=True)
class Missing:
    """One due entry not yet filed: a stream, or a value or rating of one indicator."""

    stream: str
    indicator: str | None = None

    @property
    def zh(self) -> str:
        name = STREAMS[self.stream].zh
        return f"{name}：{self.indicator}" if self.indicator else name

    @property
    def en(self) -> str:
        name = STREAMS[self.stream].en
        return f"{name}: {self.indicator}" if self.indicator else name


def missing_entries(
    con: duckdb.DuckDBPyConnection, config: Config, project_id: int, month: date, today: date | None = None
) -> list[Missing]:
    """What the project's month still lacks before it can be submitted (every due stream and value)."""
    year = con.execute("SELECT year FROM project WHERE project_id = ?", [project_id]).fetchone()[0]
    found = cells(con, config, year, month.month, [project_id], today)
    found = found[(found["month"] == month.replace(day=1)) & ~found["filed"].astype(bool)]
    out: list[Missing] = []
    for stream, names in zip(found["stream"], found["missing"], strict=True):
        out += [Missing(stream, n) for n in names] if stream == "values" else [Missing(stream)]
    return out


TO_DO_COLUMNS = ["project_id", "project", "month", "stream", "deadline", "state", "missing", "overdue", "reason"]


def todo(con: duckdb.DuckDBPyConnection, config: Config, username: str, today: date | None = None) -> pd.DataFrame:
    """A staff member's to-do list: what their assigned projects still owe, up to the month being filed now.

    The reporting month's entries (本月需填报, with their deadline), anything overdue from earlier months of
    the same year, and months returned to them (with the reviewer's reason).  Columns: ``TO_DO_COLUMNS``;
    ``overdue`` is True past the deadline.
    """
    today = today or clock.today()
    current = reporting_month(config, today)
    ids = [p for (p,) in con.execute("SELECT project_id FROM assignment WHERE username = ?", [username]).fetchall()]
    if not ids:
        return pd.DataFrame(columns=TO_DO_COLUMNS)
    found = cells(con, config, current.year, current.month, ids, today)
    found = found[found["state"].isin([str(CellState.LATE), str(CellState.NOT_DUE), str(CellState.RETURNED)])]
    returned = found["state"] == str(CellState.RETURNED)
    found = found[~found["filed"].astype(bool) | returned].copy()
    states = month_states(con, current.year, ids)
    returned_now = states[states["state"] == str(State.RETURNED)]
    reasons = {
        (int(p), m): r
        for p, m, r in zip(returned_now["project_id"], returned_now["month"], returned_now["reason"], strict=True)
    }
    found["reason"] = [reasons.get((int(p), m)) for p, m in zip(found["project_id"], found["month"], strict=True)]
    found["overdue"] = [today > d and not f for d, f in zip(found["deadline"], found["filed"], strict=True)]
    return found[TO_DO_COLUMNS].reset_index(drop=True)


# -- on-time rates ------------------------------------------------------------------------------------
RATE_COLUMNS = ["due", "on_time", "late", "not_filed", "on_time_rate"]


def _rates(frame: pd.DataFrame, by: list[str], today: date) -> pd.DataFrame:
    """Over the cells whose deadline has passed: how many were filed on time, late, or not at all."""
    past = frame[[today > d for d in frame["deadline"]]]
    if past.empty:
        return pd.DataFrame(columns=[*by, *RATE_COLUMNS])
    filed = past["filed"].astype(bool)
    on_time = filed & past["on_time"].fillna(False).astype(bool)
    counted = past.assign(due=1, on_time=on_time.astype(int), late=(filed & ~on_time).astype(int))
    counted["not_filed"] = (~filed).astype(int)
    out = counted.groupby(by, sort=True)[["due", "on_time", "late", "not_filed"]].sum().reset_index()
    out["on_time_rate"] = (out["on_time"] / out["due"]).round(4)
    return out


def project_rates(cell_frame: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """Per project: due cells past their deadline, filed on time, late, not filed, and the on-time rate."""
    return _rates(cell_frame, ["project_id", "project"], today or clock.today())


def staff_rates(con: duckdb.DuckDBPyConnection, cell_frame: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """Per staff account (``assignment``): the same counts over the cells of the projects assigned to them."""
    staff = con.execute(
        "SELECT s.username, s.project_id FROM assignment s JOIN account a USING (username) WHERE a.role = 'staff'"
    ).df()
    joined = cell_frame.merge(staff, on="project_id")
    return _rates(joined, ["username"], today or clock.today())


def deadline_end(day: date) -> datetime:
    """The last moment of a deadline day (a load stamped before it is on time)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


# -- the whole view ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Completeness:
    """填报进度 of a year up to a month: every due cell, and the on-time rates per project and per staff member."""

    year: int
    month: int
    today: date
    deadline_day: int
    cells: pd.DataFrame  # CELL_COLUMNS
    projects: pd.DataFrame  # project_id, project, RATE_COLUMNS
    staff: pd.DataFrame  # username, RATE_COLUMNS

    def to_dict(self, lang: str = "zh") -> dict:
        """The JSON of ``perfboard completeness --format json`` (docs/design.md §4)."""
        labels = CELL_LABELS["en" if lang == "en" else "zh"]
        rates = {int(r["project_id"]): r for r in self.projects.to_dict("records")}
        projects = []
        for (pid, name), rows in self.cells.groupby(["project_id", "project"], sort=False):
            months = []
            for m, cells_of_month in rows.groupby("month", sort=True):
                streams = [
                    {
                        "stream": c["stream"],
                        "label": STREAMS[c["stream"]].en if lang == "en" else STREAMS[c["stream"]].zh,
                        "state": c["state"],
                        "state_label": labels[c["state"]],
                        "filed_at": None if pd.isna(c["first_filed_at"]) else c["first_filed_at"].isoformat(),
                        "on_time": None if c["on_time"] is None else bool(c["on_time"]),
                        "missing": list(c["missing"]),
                    }
                    for c in cells_of_month.to_dict("records")
                ]
                first = cells_of_month.iloc[0]
                months.append(
                    {
                        "month": f"{m:%Y-%m}",
                        "deadline": first["deadline"].isoformat(),
                        "review_state": first["review_state"],
                        "streams": streams,
                    }
                )
            projects.append({"project_id": int(pid), "name": name, **_rate_dict(rates.get(int(pid))), "months": months})
        staff = [{"username": r["username"], **_rate_dict(r)} for r in self.staff.to_dict("records")]
        return {
            "year": self.year,
            "month": f"{self.year}-{self.month:02d}",
            "today": self.today.isoformat(),
            "deadline_day": self.deadline_day,
            "projects": projects,
            "staff": staff,
        }


def _rate_dict(row: dict | None) -> dict:
    if row is None:
        return {"due": 0, "on_time": 0, "late": 0, "not_filed": 0, "on_time_rate": None}
    return {k: int(row[k]) for k in RATE_COLUMNS[:-1]} | {"on_time_rate": float(row["on_time_rate"])}


def completeness(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    year: int,
    month: int | None = None,
    project_ids=None,
    today: date | None = None,
) -> Completeness:
    """Cells and on-time rates of ``year`` up to ``month`` (default: the last month begun), as of ``today``."""
    today = today or clock.today()
    month = last_month(year, today) if month is None else month
    found = cells(con, config, year, month, project_ids, today)
    return Completeness(
        year,
        month,
        today,
        config.cycle.deadline_day,
        found,
        project_rates(found, today),
        staff_rates(con, found, today),
    )
