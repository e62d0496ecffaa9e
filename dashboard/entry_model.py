"""What the 填报 page shows a staff member before anything is written (issue 14), as functions of a connection:
the projects they may pick, the templates due for those projects, an upload's rows in words (project names,
2020年3月), the current rows it would replace, and the projects of an upload they may not write for.

The page (``dashboard/views/entry.py``) stays thin; these hold the SQL and the wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb
import pandas as pd

from core.accounts import Actor
from core.numbers import month_label, num
from ingest import actuals
from ingest.actual_kinds import KINDS, Kind
from ingest.actuals import Upload
from metrics.rules import DEFAULT_RULE, REGISTRY

PREVIEW_ROWS = 20


def writable_projects(con: duckdb.DuckDBPyConnection, actor: Actor, year: int) -> dict[str, int]:
    """Name → id of the projects of ``year`` the actor may write for (an admin: all), in load order."""
    rows = con.execute("SELECT name, project_id FROM project WHERE year = ? ORDER BY project_id", [year]).fetchall()
    return {name: pid for name, pid in rows if actor.may_write(pid)}


def due_kinds(con: duckdb.DuckDBPyConnection, project_ids: Iterable[int]) -> set[str]:
    """The upload kinds the projects' indicators read, from their bindings (the default rule by target kind
    where none is bound); budget execution is due for every project (its budget light)."""
    ids = sorted(set(project_ids))
    if not ids:
        return set()
    rows = con.execute(
        "SELECT i.kind, b.rule FROM indicator i LEFT JOIN binding b USING (indicator_id) "
        "WHERE list_contains(?, i.project_id)",
        [ids],
    ).fetchall()
    tables: set[str] = {"budget_month"}
    for kind, bound in rows:
        name = bound or DEFAULT_RULE.get(kind)
        if name and name in REGISTRY:
            tables |= set(re.findall(r"\w+", REGISTRY[name].stream))
    return {str(k.name) for k in KINDS.values() if k.table in tables}


def _names(con: duckdb.DuckDBPyConnection) -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    projects = dict(con.execute("SELECT project_id, name FROM project").fetchall())
    found = con.execute("SELECT indicator_id, project_id, level3 FROM indicator").fetchall()
    indicators = {i: (p, level3) for i, p, level3 in found}
    return projects, indicators


def upload_projects(con: duckdb.DuckDBPyConnection, upload: Upload) -> dict[int, int]:
    """Project id → how many of the upload's rows are for it."""
    rows = upload.rows
    if "project_id" in rows:
        ids = rows["project_id"].dropna().astype(int)
    elif "indicator_id" in rows:
        _, indicators = _names(con)
        ids = rows["indicator_id"].dropna().astype(int).map(lambda i: indicators[i][0])
    else:
        return {}
    return {int(k): int(v) for k, v in ids.value_counts(sort=False).items()}


def refused_projects(con: duckdb.DuckDBPyConnection, upload: Upload, actor: Actor) -> list[tuple[str, int]]:
    """(project name, rows) of an upload's projects the actor may not write for; [] when all are theirs."""
    projects, _ = _names(con)
    return [(projects[p], n) for p, n in upload_projects(con, upload).items() if not actor.may_write(p)]


def _in_words(con: duckdb.DuckDBPyConnection, kind: Kind, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Stored rows as a person reads them: 项目 and 三级指标 by name, months as 2020年3月, numbers grouped."""
    projects, indicators = _names(con)
    out = pd.DataFrame(index=rows.index)
    label = {c.key: (c.en if lang == "en" else c.zh) for c in kind.columns}
    project_word, indicator_word = label.get("project", "项目"), label.get("indicator", "三级指标")
    if "indicator_id" in rows:
        ids = rows["indicator_id"].astype(int)
        out[project_word] = [projects[indicators[i][0]] for i in ids]
        out[indicator_word] = [indicators[i][1] for i in ids]
    elif "project_id" in rows:
        out[project_word] = [projects[int(p)] for p in rows["project_id"]]
    for column in rows.columns:
        if column in ("project_id", "indicator_id") or column in kind.derived:
            continue
        values = rows[column]
        if column == "month":
            shown = [month_label(pd.Timestamp(v).date(), lang) if pd.notna(v) else "" for v in values]
        else:
            shown = [_cell(v) for v in values]
        out[label.get(column, column)] = shown
    return out.reset_index(drop=True)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M") if value.hour or value.minute else value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return num(value)
    try:
        return num(float(value)) if not isinstance(value, str) else value
    except (TypeError, ValueError):
        return str(value)


def preview(con: duckdb.DuckDBPyConnection, upload: Upload, lang: str) -> pd.DataFrame:
    """The first rows of a valid upload, in words."""
    return _in_words(con, upload.kind, upload.rows.head(PREVIEW_ROWS), lang)


def replaced_rows(con: duckdb.DuckDBPyConnection, upload: Upload, lang: str) -> pd.DataFrame:
    """The current rows the upload would replace (same keys), in words: what the person is about to overwrite."""
    current = actuals.replaced_rows(con, upload, PREVIEW_ROWS)
    stored = [c for c in upload.rows.columns if c in current.columns]
    return _in_words(con, upload.kind, current[stored], lang)
