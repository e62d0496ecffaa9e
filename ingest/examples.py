"""Template example rows: marked so they can never be loaded as data (issue 14).

Every upload template (``ingest.templates``) carries one example row whose first cell, the 项目名称,
starts with ``EXAMPLE_MARK``. An upload that still holds such a row is an unedited (or half-edited)
template: it is refused as a whole with "请先删除示例行", before anything is checked against the
database or written (docs/design.md §4: validated as a whole, nothing written).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ingest.problems import Problem

EXAMPLE_MARK = "示例"  # no project of a 绩效目标表 is named so; a template's example row always is
EXAMPLE_PREFIX = EXAMPLE_MARK + "："  # how the templates write it: 示例：上海体育公共服务经费


def is_example(name: object) -> bool:
    """A 项目名称 cell of a template's example row."""
    return isinstance(name, str) and name.strip().startswith(EXAMPLE_MARK)


def example_rows(frame: pd.DataFrame, lines: np.ndarray, file: str, column: str, key: str = "project") -> list[Problem]:
    """One ``example_row`` problem per row of ``frame`` whose ``key`` cell is an example (header ``column``)."""
    if key not in frame:
        return []
    marked = frame[key].astype("string").str.strip().str.startswith(EXAMPLE_MARK).fillna(False).to_numpy(dtype=bool)
    return [
        Problem(file, "example_row", line=int(lines[i]), column=column, value=str(frame[key].iloc[i]))
        for i in np.flatnonzero(marked)
    ]


def example_projects(projects: Iterable, file: str) -> list[Problem]:
    """The example project of the targets template (``ProjectRecord``s whose name is marked)."""
    return [
        Problem(file, "example_row", line=p.line, column="项目名称", value=p.name)
        for p in projects
        if is_example(p.name)
    ]
