"""Each indicator of one project month by month: the path the project page draws (docs/design.md, 项目).

The lights are those of ``compute_status`` as of each month, so the chart and the light never disagree;
the measures read only the project's rows (``measures.only_project``), so twelve months of one project
cost far less than one month of a city-scale year.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from core.config import Config
from metrics.measures import only_project
from metrics.status import compute_status

COLUMNS = ["indicator", "month", "actual", "expected", "status"]


def indicator_paths(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, project: str, last_month: int
) -> pd.DataFrame:
    """One row per indicator and month 1…``last_month``: actual and expected to date, and the light."""
    row = con.execute("SELECT project_id FROM project WHERE year = ? AND name = ?", [year, project]).fetchone()
    if row is None:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    with only_project(row[0]):
        for month in range(1, last_month + 1):
            for p in compute_status(con, config, year, month, project).projects:
                rows.extend((i.name, month, i.actual, i.expected, i.status) for i in p.indicators)
    return pd.DataFrame(rows, columns=COLUMNS)
