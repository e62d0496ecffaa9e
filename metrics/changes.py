"""The ledger of what changed a project's budget and targets during the year (docs/domain.md §8):
who entered each 预算调整 and 绩效目标调整, when, why, and the figure before and after.

Current entries and the ones a later upload replaced or a revert withdrew are both listed, so the
page shows the history and the lights use only what is current.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def budget_ledger(con: duckdb.DuckDBPyConnection, year: int, project: str) -> pd.DataFrame:
    """Every 预算调整 of the project: month, before → after, reason, approval, who and when, current or not."""
    return con.execute(
        """
        SELECT strftime(a.month, '%Y-%m') AS month,
               CAST(coalesce((SELECT arg_max(b.budget, b.month) FROM budget_adjustment b
                              WHERE b.project_id = a.project_id AND b.replaced_by IS NULL AND b.month < a.month),
                             p.budget_initial, p.budget) AS DOUBLE) AS before,
               CAST(a.budget AS DOUBLE) AS after, a.reason, a.approval,
               l.loaded_by AS who, l.loaded_at AS at, a.replaced_by IS NULL AS current
        FROM budget_adjustment a
        JOIN project p ON p.project_id = a.project_id
        JOIN load_log l ON l.load_id = a.load_id
        WHERE p.year = ? AND p.name = ?
        ORDER BY a.month, a.load_id
        """,
        [year, project],
    ).df()


def target_ledger(con: duckdb.DuckDBPyConnection, year: int, project: str) -> pd.DataFrame:
    """Every 绩效目标调整 of the project's indicators: indicator, month, original → revised, reason, who, when."""
    return con.execute(
        """
        SELECT i.level3 AS indicator, strftime(r.month, '%Y-%m') AS month, i.target_text AS before,
               r.target_text AS after, r.reason, l.loaded_by AS who, l.loaded_at AS at,
               r.replaced_by IS NULL AS current
        FROM target_revision r
        JOIN indicator i ON i.indicator_id = r.indicator_id
        JOIN project p ON p.project_id = i.project_id
        JOIN load_log l ON l.load_id = r.load_id
        WHERE p.year = ? AND p.name = ?
        ORDER BY r.month, r.load_id
        """,
        [year, project],
    ).df()
