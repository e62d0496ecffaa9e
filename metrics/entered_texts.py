"""The texts staff entered during the year, the latest of each up to a month (docs/domain.md §6, §10).

One reading serves the monitoring and self-evaluation forms (``metrics.forms``), the submit check
(``metrics.explanations``) and the monthly briefing (``exports.briefing``): a 偏差原因, 纠偏措施, 完成目标可能性
or note entered in an earlier month stands until a later month replaces it.  A blank text is no text.
"""

from __future__ import annotations

import duckdb


def _latest(column: str) -> str:
    """``arg_max`` of a text column over the months where it holds something (not NULL, not blank)."""
    return f"arg_max({column}, month) FILTER (WHERE nullif(trim({column}), '') IS NOT NULL)"


UP_TO_MONTH = "replaced_by IS NULL AND month BETWEEN make_date(?, 1, 1) AND make_date(?, ?, 1)"


def indicator_texts(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[int, dict]:
    """Per indicator: the latest reason, measures, likelihood and note entered up to ``month``."""
    rows = con.execute(
        f"""
        SELECT indicator_id, {_latest("deviation_reason")}, {_latest("measures")}, {_latest("likelihood")},
               {_latest("note")}
        FROM indicator_value WHERE {UP_TO_MONTH} GROUP BY indicator_id
        """,
        [year, year, month],
    ).fetchall()
    return {r[0]: {"reason": r[1], "measures": r[2], "likelihood": r[3], "note": r[4]} for r in rows}


def budget_texts(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[int, dict]:
    """Per project: the latest 全年预计执行数 (forecast), budget reason and measures entered up to ``month``."""
    rows = con.execute(
        f"""
        SELECT project_id, CAST(arg_max(forecast, month) FILTER (WHERE forecast IS NOT NULL) AS DOUBLE),
               {_latest("reason")}, {_latest("measures")}
        FROM budget_month WHERE {UP_TO_MONTH} GROUP BY project_id
        """,
        [year, year, month],
    ).fetchall()
    return {r[0]: {"forecast": r[1], "reason": r[2], "measures": r[3]} for r in rows}
