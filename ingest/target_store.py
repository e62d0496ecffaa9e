"""Load target tables into the database, and read them back.

All files of one call are parsed and validated first; if any has a problem nothing is
written.  A valid call is one transaction.  Loading the same table again updates the
project in place (indicators keep their ids, so actuals stay attached).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.accounts import Actor, PermissionDenied, local_operator, record, record_refusal, require_admin
from core.config import Config
from core.db import log_load, write_transaction
from ingest.problems import Problem, ValidationFailed
from ingest.target_records import IndicatorRecord, ProjectRecord, split_overview
from ingest.target_table import parse_target_table
from ingest.target_text import parse_target_text
from metrics.targets import parse_target

PROJECT_COLUMNS = (
    "year",
    "unit",
    "name",
    "category",
    "start_date",
    "end_date",
    "gov_purchase",
    "perf_type",
    "overview",
    "background",
    "content",
    "structure",
    "basis",
    "necessity",
    "measures",
    "plan",
    "goals",
    "total_budget",
    "budget",
    "prev_budget",
    "prev_executed",
)


@dataclass
class TargetsLoaded:
    """What a load did, per file: projects and indicators written."""

    files: list[tuple[str, int, int]]

    @property
    def projects(self) -> int:
        return sum(p for _, p, _ in self.files)

    @property
    def indicators(self) -> int:
        return sum(i for _, _, i in self.files)


def parse_targets_file(
    path: Path, config: Config, display_name: str | None = None
) -> tuple[list[ProjectRecord], list[Problem]]:
    """A 绩效目标表 text export (.txt) or a structured targets file (.csv/.xlsx)."""
    name = display_name or path.name
    if path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        return parse_target_table(path, name, config.limits)
    data = path.read_bytes()
    if not data.strip():
        return [], [Problem(name, "empty_file", line=1)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [Problem(name, "not_utf8", line=line)]
    return parse_target_text(text, name, config)


def validate_projects(projects: list[ProjectRecord], file: str, config: Config) -> list[Problem]:
    """Rules that hold whatever the file format: known 一级 labels, no duplicates, indicators present."""
    allowed = config.levels.level1_to_form
    problems: list[Problem] = []
    seen_projects: dict[tuple, int | None] = {}
    for project in projects:
        key = (project.year, project.name)
        if key in seen_projects:
            problems.append(
                Problem(
                    file,
                    "duplicate_project",
                    line=project.line,
                    value=project.name,
                    params={"other": seen_projects[key]},
                )
            )
        seen_projects[key] = project.line
        if not project.indicators:
            problems.append(Problem(file, "no_indicators", line=project.line, params={"project": project.name}))
        seen: dict[tuple, int | None] = {}
        for ind in project.indicators:
            if ind.level1 not in allowed:
                problems.append(
                    Problem(
                        file,
                        "unknown_level1",
                        line=ind.line,
                        column="一级目标",
                        value=ind.level1,
                        params={"allowed": "、".join(sorted(allowed))},
                    )
                )
            ikey = (ind.level1, ind.level2, ind.level3)
            if ikey in seen:
                problems.append(
                    Problem(
                        file,
                        "duplicate_indicator",
                        line=ind.line,
                        value=ind.level3,
                        params={"other": seen[ikey], "key": " / ".join(ikey)},
                    )
                )
            seen[ikey] = ind.line
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    out, seen = [], set()
    for p in problems:
        key = (p.file, p.code, p.line, p.value)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def load_targets(
    files: list[Path],
    db_path: Path | str | None,
    config: Config,
    display_names: list[str] | None = None,
    actor: Actor | None = None,
) -> TargetsLoaded:
    """Parse and validate every file, then write them all in one transaction (or raise ValidationFailed).

    ``config`` (loaded by the caller, at the edge) gives the known labels and each indicator's form level.
    Targets are the admin's: another role is refused (and the refusal audited)."""
    try:
        require_admin(actor, "导入绩效目标表")
    except PermissionDenied:
        record_refusal(db_path, actor, "targets", "、".join(display_names or [Path(f).name for f in files]))
        raise
    parsed: list[tuple[str, str, list[ProjectRecord]]] = []
    problems: list[Problem] = []
    for i, path in enumerate(files):
        path = Path(path)
        name = display_names[i] if display_names else path.name
        if not path.is_file():
            problems.append(Problem(name, "unreadable", params={"detail": "file not found"}))
            continue
        projects, found = parse_targets_file(path, config, name)
        found = found + validate_projects(projects, name, config)
        problems.extend(_unique(found))
        parsed.append((name, hashlib.sha256(path.read_bytes()).hexdigest(), projects))
    if problems:
        raise ValidationFailed(problems)
    written = []
    with write_transaction(db_path) as con:
        for name, digest, projects in parsed:
            load_id = log_load(
                con,
                "targets",
                name,
                digest,
                sum(len(p.indicators) for p in projects),
                detail=f"{len(projects)} projects",
            )
            for project in projects:
                store_project(con, project, load_id, config)
            record(
                con,
                actor or local_operator(),
                "targets",
                name,
                after={"projects": [p.name for p in projects], "indicators": sum(len(p.indicators) for p in projects)},
                load_id=load_id,
            )
            written.append((name, len(projects), sum(len(p.indicators) for p in projects)))
    return TargetsLoaded(written)


def store_project(con: duckdb.DuckDBPyConnection, project: ProjectRecord, load_id: int, config: Config) -> int:
    """Insert or update one project and its indicators inside the caller's transaction."""
    background, content, structure = split_overview(project.overview)
    values = {name: getattr(project, name, None) for name in PROJECT_COLUMNS}
    values.update(background=background, content=content, structure=structure)
    row = con.execute(
        "SELECT project_id FROM project WHERE year = ? AND name = ?", [project.year, project.name]
    ).fetchone()
    if row:
        project_id = row[0]
        assignments = ", ".join(f"{c} = ?" for c in PROJECT_COLUMNS)
        con.execute(
            f"UPDATE project SET {assignments}, load_id = ? WHERE project_id = ?",
            [*values.values(), load_id, project_id],
        )
    else:
        project_id = con.execute(
            f"INSERT INTO project (project_id, {', '.join(PROJECT_COLUMNS)}, load_id) "
            f"VALUES (nextval('project_id_seq'), {', '.join('?' * len(PROJECT_COLUMNS))}, ?) RETURNING project_id",
            [*values.values(), load_id],
        ).fetchone()[0]
    _store_indicators(con, project_id, project.indicators, config)
    return project_id


def _store_indicators(
    con: duckdb.DuckDBPyConnection, project_id: int, indicators: list[IndicatorRecord], config: Config
) -> None:
    existing = {
        (l1, l2, l3): iid
        for iid, l1, l2, l3 in con.execute(
            "SELECT indicator_id, level1, level2, level3 FROM indicator WHERE project_id = ?", [project_id]
        ).fetchall()
    }
    keep = set()
    for seq, ind in enumerate(indicators, start=1):
        t = parse_target(ind.target, ind.level3)
        values = [
            seq,
            ind.level1,
            ind.level2,
            ind.level3,
            config.form_level1(ind.level1, ind.level2),
            ind.target,
            t.kind,
            t.operator,
            t.value,
            t.unit,
            t.direction,
            t.needs,
            t.deadline,
            ind.weight,
        ]
        key = (ind.level1, ind.level2, ind.level3)
        if key in existing:
            keep.add(existing[key])
            con.execute(
                "UPDATE indicator SET seq = ?, level1 = ?, level2 = ?, level3 = ?, form_level1 = ?, target_text = ?, "
                "kind = ?, operator = ?, target_value = ?, unit = ?, direction = ?, needs = ?, deadline = ?, weight = ? "
                "WHERE indicator_id = ?",
                [*values, existing[key]],
            )
        else:
            con.execute(
                "INSERT INTO indicator (indicator_id, project_id, seq, level1, level2, level3, form_level1, target_text, "
                "kind, operator, target_value, unit, direction, needs, deadline, weight) "
                "VALUES (nextval('indicator_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [project_id, *values],
            )
    for iid in existing.values():
        if iid not in keep:
            con.execute("DELETE FROM indicator WHERE indicator_id = ?", [iid])


def read_projects(con: duckdb.DuckDBPyConnection, year: int | None = None) -> list[ProjectRecord]:
    """Projects with their indicators, in load order, as records (for export and round trips)."""
    where, params = ("WHERE year = ?", [year]) if year else ("", [])
    fields = [c for c in PROJECT_COLUMNS if c not in ("background", "content", "structure")]
    projects = []
    for row in con.execute(
        f"SELECT project_id, {', '.join(fields)} FROM project {where} ORDER BY year, project_id", params
    ).fetchall():
        project = ProjectRecord(**dict(zip(fields, row[1:], strict=True)))
        project.indicators = [
            IndicatorRecord(l1, l2, l3, target, weight=weight)
            for l1, l2, l3, target, weight in con.execute(
                "SELECT level1, level2, level3, target_text, weight FROM indicator WHERE project_id = ? ORDER BY seq",
                [row[0]],
            ).fetchall()
        ]
        projects.append(project)
    return projects
