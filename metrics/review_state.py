"""Where each project-month stands in the monthly cycle (docs/domain.md §10), read from ``review_step``.

``review_step`` is append-only; a project-month's state is its latest step.  This module only reads;
the steps are written by the review workflow, which checks who may take them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import duckdb
import pandas as pd


class Step(StrEnum):
    """What a review step does (the ``action`` column)."""

    SUBMIT = "submit"  # 提交: staff hand the month in
    APPROVE = "approve"  # 审核通过: the month is locked
    RETURN = "return"  # 退回: sent back to staff with a reason
    UNLOCK = "unlock"  # an admin opens an approved month again, with a reason


class State(StrEnum):
    """Where a project-month stands: the state its latest step leaves it in."""

    OPEN = "open"  # no step yet, or unlocked: staff may still change it
    SUBMITTED = "submitted"  # 已提交，待审核
    APPROVED = "approved"  # 已审核: locked
    RETURNED = "returned"  # 退回: staff fix and submit again


STATE_OF_STEP = {
    Step.SUBMIT: State.SUBMITTED,
    Step.APPROVE: State.APPROVED,
    Step.RETURN: State.RETURNED,
    Step.UNLOCK: State.OPEN,
}
COLUMNS = ["project_id", "month", "state", "actor", "happened_at", "reason"]


def _where(year: int | None, project_ids) -> tuple[str, list]:
    """The WHERE clause (with its parameters) picking a year's steps and some projects' (None: all)."""
    where, params = [], []
    if year is not None:
        where.append("year(month) = ?")
        params.append(year)
    if project_ids is not None:
        where.append("list_contains(?, project_id)")
        params.append(list(project_ids))
    return ("WHERE " + " AND ".join(where) if where else ""), params


def month_states(
    con: duckdb.DuckDBPyConnection, year: int | None = None, project_ids: list[int] | None = None
) -> pd.DataFrame:
    """Each project-month with at least one step: its state, and who took the latest step, when and why.

    Months with no step are absent (their state is ``State.OPEN``).  ``month`` is the first of the month.
    """
    where, params = _where(year, project_ids)
    rows = con.execute(
        f"""
        SELECT project_id, month, arg_max(action, step_id), arg_max(actor, step_id),
               arg_max(happened_at, step_id), arg_max(reason, step_id)
        FROM review_step {where}
        GROUP BY project_id, month ORDER BY project_id, month
        """,
        params,
    ).df()
    rows.columns = ["project_id", "month", "action", "actor", "happened_at", "reason"]
    rows["state"] = [str(STATE_OF_STEP[Step(a)]) for a in rows["action"]]
    rows["month"] = pd.to_datetime(rows["month"]).dt.date
    return rows[COLUMNS]


def state_of(con: duckdb.DuckDBPyConnection, project_id: int, month: date) -> State:
    """One project-month's state (``OPEN`` when it has no step)."""
    row = con.execute(
        "SELECT arg_max(action, step_id) FROM review_step WHERE project_id = ? AND month = ?",
        [project_id, month.replace(day=1)],
    ).fetchone()
    return State.OPEN if row is None or row[0] is None else STATE_OF_STEP[Step(row[0])]


def steps(
    con: duckdb.DuckDBPyConnection, year: int | None = None, project_ids: list[int] | None = None
) -> pd.DataFrame:
    """Every step taken, oldest first (a month's history: submitted, returned with why, approved…).

    Columns: step_id, project_id, month (first of the month, a date), action, actor, happened_at, reason.
    """
    where, params = _where(year, project_ids)
    rows = con.execute(
        "SELECT step_id, project_id, month, action, actor, happened_at, reason FROM review_step "
        f"{where} ORDER BY step_id",
        params,
    ).df()
    rows["month"] = pd.to_datetime(rows["month"]).dt.date
    return rows
