"""Each indicator of one project month by month: the path the project page draws (docs/design.md, 项目).

Each month's point is what ``compute_status`` says as of that month (a test compares them), so the chart
and the light never disagree.  The months are judged in one pass instead of twelve status runs: what does
not depend on the month is read once (the targets in force, which change only in a month with a
绩效目标调整, and the rules they resolve to); each measure is one query for all the months (``months_of``)
over the project's rows alone (``measures.PROJECT_ROWS``, as ``measures.only_project`` reads them); and
each rule then judges the project's indicators once per month, with that month's ``Period``, by the status
engine's own judging step (``status.judge``).  Rules that judged several months in one call would remove
most of what is left.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from core.config import Config
from metrics.measures import MEASURES, ORDER, Measure, frame, with_clauses
from metrics.rules import Period
from metrics.status import Targets, judge, prepare_targets, revision_months, rounded

COLUMNS = ["indicator", "month", "actual", "expected", "status"]
_PARAM = re.compile(r"\$([a-z_]+)\b")


def months_of(
    con: duckdb.DuckDBPyConnection, measure: Measure, year: int, months: list[int], config: Config, scope: int
) -> dict[int, pd.DataFrame]:
    """One measure as of each of ``months``, in one query for one project (``scope``): a frame per month,
    with the rows and columns that ``measures.run`` gives for that month alone.

    The measure's SQL is repeated once per month with its parameters renamed (``$end`` → ``$end_6``) and
    the copies joined by UNION ALL under the project's rows (``measures.PROJECT_ROWS``)."""
    params: dict = {"scope": scope}
    ctes = with_clauses(measure, scoped=True)  # a month-independent step (tickets by month) once for every month
    if measure.rows:
        params |= measure.params(year, months[-1], config, measure.rows)
    copies = []
    for month in months:
        renamed = _PARAM.sub(lambda found, m=month: f"${found[1]}_{m}", measure.sql)
        copies.append(f"SELECT {month} AS as_of, * FROM ({renamed})")
        params |= {f"{k}_{month}": v for k, v in measure.params(year, month, config, measure.sql).items()}
    sql = f"WITH {', '.join(ctes)} SELECT * FROM ({' UNION ALL '.join(copies)}) ORDER BY as_of, {ORDER[measure.key]}"
    every = frame(con, sql, params)
    empty = every.iloc[0:0].drop(columns="as_of")
    split = {int(m): f.drop(columns="as_of").reset_index(drop=True) for m, f in every.groupby("as_of", sort=False)}
    return {m: split.get(m, empty) for m in months}


def targets_by_month(con: duckdb.DuckDBPyConnection, year: int, project: str, months: list[int]) -> dict[int, Targets]:
    """The project's targets in force with their rules (``status.prepare_targets``, as the status reads them),
    for each month: read again only in a month in which some 绩效目标调整 takes effect (the targets in between
    are those of the month before)."""
    revised = revision_months(con, year)
    out: dict[int, Targets] = {}
    current = None
    for month in months:
        if current is None or month in revised:
            current = prepare_targets(con, year, month, project)
        out[month] = current
    return out


def indicator_paths(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, project: str, last_month: int
) -> pd.DataFrame:
    """One row per indicator and month 1…``last_month``: actual and expected to date, and the light."""
    row = con.execute("SELECT project_id FROM project WHERE year = ? AND name = ?", [year, project]).fetchone()
    if row is None or last_month < 1:
        return pd.DataFrame(columns=COLUMNS)
    months = list(range(1, last_month + 1))
    targets = targets_by_month(con, year, project, months)
    wanted = sorted({name for t in targets.values() for name in t.wanted})
    measured = {name: months_of(con, MEASURES[name], year, months, config, row[0]) for name in wanted}
    parts = []
    for month in months:
        measures = {name: by_month[month] for name, by_month in measured.items()}
        for judged in judge(targets[month], measures, Period(year, month, config)).values():
            parts.append(judged[["indicator_id", "actual", "expected", "status"]].assign(month=month))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return _points(pd.concat(parts, ignore_index=True), targets)


def _points(verdicts: pd.DataFrame, targets: dict[int, Targets]) -> pd.DataFrame:
    """The verdicts as the status report reads them (NaN as None, a float actual rounded to 4 places), each
    month's indicators in the report's order: by seq, stable over the order the rules judged them in."""
    every = pd.concat(t.indicators for t in targets.values())
    words = every.drop_duplicates("indicator_id").set_index("indicator_id")
    ids = verdicts["indicator_id"].to_numpy()
    points = pd.DataFrame(
        {
            "indicator": words["name"].reindex(ids).to_numpy(dtype=object),
            "seq": words["seq"].reindex(ids).to_numpy(),
            "month": verdicts["month"].to_numpy(),
            "actual": [rounded(_known(v)) for v in verdicts["actual"].to_numpy(dtype=object)],
            "expected": [_known(v) for v in verdicts["expected"].to_numpy(dtype=object)],
            "status": [str(s) for s in verdicts["status"]],
        }
    )
    return points.sort_values(["month", "seq"], kind="stable")[COLUMNS].reset_index(drop=True)


def _known(value):
    return None if pd.api.types.is_scalar(value) and pd.isna(value) else value
