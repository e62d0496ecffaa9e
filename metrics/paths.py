"""Each indicator of one project month by month: the path the project page draws (docs/design.md, Charts).

Each month's point is what ``compute_status`` says as of that month (a test compares them), so the chart
and the light never disagree.  The months are judged in one pass instead of twelve status runs: what does
not depend on the month is read once (the targets in force, which change only in a month with a
绩效目标调整, and the rules they resolve to); each measure is one query for all the months (``months_of``)
over the project's rows alone (``measures.PROJECT_ROWS``, as ``measures.only_project`` reads them); and
the status engine's own judging step (``status.judge``) then judges the months before December in one call
(``stacked``: one row per indicator and month, each with its month in ``rules.AS_OF``), and December,
whose lights mean achieved or not, in a call of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.config import Config
from metrics.measures import MEASURES, ORDER, Measure, two_at_a_time, with_clauses
from metrics.rules import AS_OF, Period
from metrics.status import (
    StatusInputs,
    Targets,
    adjustments_upto,
    budget_adjustments,
    judge,
    prepare_targets,
    revision_months,
    rounded,
)

COLUMNS = ["indicator_id", "indicator", "month", "actual", "expected", "status"]  # the id: two may share a name
_PARAM = re.compile(r"\$([a-z_]+)\b")
KEYS = ("project_id", "indicator_id")  # what the rules join a measure's rows on (with an item)
STRIDE = 16  # in a stacked call a key k of month m is k × STRIDE + m: each month's rows join only each other


def months_of(
    con: duckdb.DuckDBPyConnection, measure: Measure, year: int, months: list[int], config: Config, scope: int
) -> pa.Table:
    """One measure as of each of ``months``, in one query for one project (``scope``): the rows and columns
    that ``measures.run`` gives for each month alone, with that month in ``AS_OF`` (``month_rows`` takes
    one month's out).

    The measure's SQL is repeated once per month with its parameters renamed (``$end`` → ``$end_6``) and
    the copies joined by UNION ALL under the project's rows (``measures.PROJECT_ROWS``)."""
    params: dict = {"scope": scope}
    ctes = with_clauses(measure, scoped=True)  # a month-independent step (tickets by month) once for every month
    if measure.rows:
        params |= measure.params(year, months[-1], config, measure.rows)
    copies = []
    for month in months:
        renamed = _PARAM.sub(lambda found, m=month: f"${found[1]}_{m}", measure.sql)
        copies.append(f"SELECT {month} AS {AS_OF}, * FROM ({renamed})")
        params |= {f"{k}_{month}": v for k, v in measure.params(year, month, config, measure.sql).items()}
    union = " UNION ALL ".join(copies)
    con.complete()
    sql = f"WITH {', '.join(ctes)} SELECT * FROM ({union}) ORDER BY {AS_OF}, {ORDER[measure.key]}"
    return con.sql(sql, params=params).to_arrow_table()


def month_rows(table: pa.Table, month: int) -> pd.DataFrame:
    """One month's rows of ``months_of``, as ``measures.run`` gives them: converted on their own, so a
    column takes that month's type (an integer column stays one unless that month has a NULL)."""
    return table.filter(pc.equal(table[AS_OF], month)).drop_columns([AS_OF]).to_pandas()


def all_months_of(
    con: duckdb.DuckDBPyConnection, names: list[str], year: int, months: list[int], config: Config, scope: int
) -> dict[str, pa.Table]:
    """``months_of`` for each named measure, two at a time (``measures.two_at_a_time``, as a status's)."""
    return two_at_a_time(
        con, names, lambda cursor, name: months_of(cursor, MEASURES[name], year, months, config, scope)
    )


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


@dataclass(frozen=True)
class ProjectYear:
    """What one project's months 1…``months[-1]`` read from the database: the targets in force each month,
    each measure for all the months (``months_of``) and the budget adjustments. Both the paths
    (``judge_paths``) and the project's status of any of those months (``inputs_at``) are judged from it,
    so the project page reads its project once per data version."""

    year: int
    months: list[int]
    config: Config
    targets: dict[int, Targets]
    measured: dict[str, pa.Table]
    adjustments: Mapping[int, list[dict]]  # up to the last month


def read_project_year(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, project: str, last_month: int
) -> ProjectYear | None:
    """``project``'s months 1…``last_month`` (None for a project not in ``year``, or no month)."""
    row = con.execute("SELECT project_id FROM project WHERE year = ? AND name = ?", [year, project]).fetchone()
    if row is None or last_month < 1:
        return None
    months = list(range(1, last_month + 1))
    targets = targets_by_month(con, year, project, months)
    wanted = sorted({name for t in targets.values() for name in t.wanted})
    measured = all_months_of(con, wanted, year, months, config, row[0])
    adjustments = budget_adjustments(con, year, last_month, project)
    return ProjectYear(year, months, config, targets, measured, adjustments)


def inputs_at(project: ProjectYear, month: int) -> StatusInputs:
    """What ``status.status_inputs`` reads for the project as of ``month`` (one of ``project.months``),
    taken from what was read already: ``status.judge_inputs`` makes the same report of it."""
    measures = {name: month_rows(table, month) for name, table in project.measured.items()}
    adjustments = adjustments_upto(project.adjustments, project.year, month)
    return StatusInputs(Period(project.year, month, project.config), project.targets[month], measures, adjustments)


def indicator_paths(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, project: str, last_month: int
) -> pd.DataFrame:
    """One row per indicator and month 1…``last_month``: actual and expected to date, and the light."""
    return judge_paths(read_project_year(con, config, year, project, last_month))


def judge_paths(project: ProjectYear | None) -> pd.DataFrame:
    """The paths of what ``read_project_year`` read (none when it read nothing): the months before December
    in one call, December in one of its own."""
    if project is None:
        return pd.DataFrame(columns=COLUMNS)
    during = [m for m in project.months if m < 12]
    final = [m for m in project.months if m == 12]
    measured = {name: table.to_pandas() for name, table in project.measured.items()}
    parts = []
    for chosen in (during, final):
        if not chosen:
            continue
        groups, measures = stacked({m: project.targets[m] for m in chosen}, measured)
        for judged in judge(groups, measures, Period(project.year, chosen[-1], project.config)).values():
            parts.append(judged[["indicator_id", AS_OF, "actual", "expected", "status"]])
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    verdicts = pd.concat(parts, ignore_index=True)
    verdicts["indicator_id"] = (verdicts["indicator_id"] - verdicts[AS_OF]) // STRIDE
    return _points(verdicts.rename(columns={AS_OF: "month"}), project.targets)


def stacked(targets: dict[int, Targets], measured: dict[str, pd.DataFrame]) -> tuple[Targets, dict[str, pd.DataFrame]]:
    """The months of ``targets`` as one: each rule's indicators and each measure's rows (``months_of``) once
    per month, with the month in ``AS_OF`` and the keys made unique per month (``STRIDE``), so that one
    call judges them all."""
    months = list(targets)
    by_targets: dict[int, tuple[Targets, list[int]]] = {}  # the months each reading of the targets holds for
    for month, t in targets.items():
        by_targets.setdefault(id(t), (t, []))[1].append(month)
    rules = dict.fromkeys(name for t in targets.values() for name in t.groups)  # in the order first judged
    groups = {}
    for name in rules:
        parts = []
        for t, held in by_targets.values():
            if name in t.groups:
                group = t.groups[name]
                parts.append(
                    group.iloc[np.tile(np.arange(len(group)), len(held))].assign(**{AS_OF: np.repeat(held, len(group))})
                )
        groups[name] = _keyed(pd.concat(parts, ignore_index=True))
    measures = {name: _keyed(rows[rows[AS_OF].isin(months)].reset_index(drop=True)) for name, rows in measured.items()}
    return replace(targets[months[0]], groups=groups), measures


def _keyed(rows: pd.DataFrame) -> pd.DataFrame:
    month = rows[AS_OF].to_numpy(dtype=np.int64)
    return rows.assign(**{k: rows[k].to_numpy(dtype=np.int64) * STRIDE + month for k in KEYS if k in rows.columns})


def _points(verdicts: pd.DataFrame, targets: dict[int, Targets]) -> pd.DataFrame:
    """The verdicts as the status report reads them (NaN as None, a float actual rounded to 4 places), each
    month's indicators in the report's order: by seq, stable over the order the rules judged them in."""
    every = pd.concat(t.indicators for t in targets.values())
    words = every.drop_duplicates("indicator_id").set_index("indicator_id")
    ids = verdicts["indicator_id"].to_numpy()
    points = pd.DataFrame(
        {
            "indicator_id": ids,
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
