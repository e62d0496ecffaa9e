"""Load target tables into the database, and read them back.

All files of one call are parsed and validated first; if any has a problem nothing is
written.  A valid call is one transaction.  Loading the same table again updates the
project in place (indicators keep their ids, so actuals stay attached).  Projects and
indicators are found by their names' normal form (core.names), so a reload finds them
whatever the spacing.  A reload that leaves out an indicator with values is refused unless
``drop_missing``; then the indicator moves to ``removed_indicator`` with its id, and its
values stay attached to it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from core.accounts import Actor, PermissionDenied, local_operator, record, record_refusal, require_admin
from core.config import Config
from core.db import log_load, write_transaction
from core.names import NameIndex, normalise_name
from core.vocabulary import Vocabulary, closest, level2_base, load_vocabulary
from ingest.examples import example_projects
from ingest.problems import Problem, ValidationFailed
from ingest.target_cells import CellRow, rows_from_docx, rows_from_text, rows_from_xlsx
from ingest.target_form import interpret_rows
from ingest.target_records import IndicatorRecord, ProjectRecord, split_overview, weight_problem
from ingest.target_table import parse_target_table
from ingest.target_text import TABLE_HEADER, TITLE, parse_target_text
from metrics.forms import MISSING_MARK
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
    "budget_initial",
    "budget_fiscal",
    "budget_other",
    "department",
    "implementing_unit",
    "project_lead",
    "project_type",
    "fund_use",
    "source",
)


@dataclass
class TargetsLoaded:
    """What a load did, per file: projects and indicators written; the indicators removed with their values."""

    files: list[tuple[str, int, int]]
    removed: list[tuple[str, str, int]] = field(default_factory=list)  # project, indicator, values kept
    warnings: list[str] = field(default_factory=list)  # loaded anyway, and said (budget lines that disagree…)
    incomplete: list[tuple[str, str, list[str]]] = field(default_factory=list)  # file, project, missing cells

    @property
    def projects(self) -> int:
        return sum(p for _, p, _ in self.files)

    @property
    def indicators(self) -> int:
        return sum(i for _, _, i in self.files)


def parse_targets_file(
    path: Path, config: Config, display_name: str | None = None
) -> tuple[list[ProjectRecord], list[Problem]]:
    """A target table in any form it reaches a unit in (docs/domain.md §9): the structured targets file
    (.csv, or .xlsx with its header row), a form laid out in an XLSX sheet or a Word table, a table copied
    as text (tabs or `` | ``) or a PDF text export.  The 2020 municipal export (the seed) keeps its own
    reader, which mends the PDF's broken lines; every other form is read by its labels (ingest.target_form)."""
    name = display_name or path.name
    suffix = path.suffix.lower()
    vocab = load_vocabulary()
    if suffix == ".csv":
        return parse_target_table(path, name, config.limits)
    if suffix in (".xlsx", ".xlsm"):
        rows, problems = rows_from_xlsx(path, name, config.limits)
        if problems or _structured(rows):
            return parse_target_table(path, name, config.limits)
        return interpret_rows(rows, name, config, vocab)
    if suffix == ".docx":
        rows, problems = rows_from_docx(path, name, config.limits)
        return ([], problems) if problems else interpret_rows(rows, name, config, vocab)
    data = path.read_bytes()
    if not data.strip():
        return [], [Problem(name, "empty_file", line=1)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [Problem(name, "not_utf8", line=line)]
    if _seed_export(text):
        return parse_target_text(text, name, config)
    return interpret_rows(rows_from_text(text, vocab), name, config, vocab)


def _structured(rows: list[CellRow]) -> bool:
    """The structured targets file: a header row naming 年度, 项目名称 and 指标目标值 columns (looked for in
    the first rows, so a title row above it is refused by the structured reader with its own reason)."""
    if not rows:
        return True
    need = [("year", "年度"), ("project", "项目名称", "name"), ("target", "指标目标值", "年度指标值")]
    for row in rows[:5]:
        words = {c.strip().lower() for c in row.cells}
        if all(any(w.lower() in words for w in names) for names in need):
            return True
    return False


def _seed_export(text: str) -> bool:
    """The 2020 municipal 绩效目标表 as its PDF text export prints it (the seed's form)."""
    lines = text.splitlines()
    if "\t" in text or not any(line.strip() == TITLE for line in lines):
        return False
    return any(line.split()[:4] == list(TABLE_HEADER) for line in lines)


def validate_projects(
    projects: list[ProjectRecord], file: str, config: Config, vocab: Vocabulary | None = None
) -> list[Problem]:
    """Rules that hold whatever the file format: known 一级/二级 words (the closest known one suggested),
    no duplicates, and indicators present unless the table is marked 不完整."""
    vocab = vocab or load_vocabulary()
    level1_known = set(config.levels.level1_to_form) | set(vocab.level1)
    level2_known = {level2_base(w) for w in config.levels.level2} | set(vocab.level2)
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
        if not project.indicators and not project.missing:
            problems.append(Problem(file, "no_indicators", line=project.line, params={"project": project.name}))
        seen: dict[tuple, int | None] = {}
        for ind in project.indicators:
            if ind.level1 and ind.level1 not in level1_known:
                problems.append(_unknown_level1(file, ind, level1_known))
            if ind.level_weight is not None and (
                wrong := weight_problem(file, ind.line, Decimal(str(ind.level_weight)), f"{ind.level_weight:g}")
            ):
                problems.append(wrong)  # "产出指标（500分）": more points than the form has
            if ind.level2 and level2_base(ind.level2) not in level2_known:
                near = closest(level2_base(ind.level2), level2_known)
                problems.append(
                    Problem(
                        file,
                        "unknown_level2",
                        line=ind.line,
                        column="二级指标",
                        value=ind.level2,
                        params={
                            "hint": f"，是否应为“{near}”？" if near else "",
                            "hint_en": f": did you mean “{near}”?" if near else "",
                        },
                    )
                )
            ikey = (ind.level1, ind.level2, ind.level3)
            if ikey in seen and ind.level3:
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


def _unknown_level1(file: str, ind: IndicatorRecord, known: set[str]) -> Problem:
    allowed = "、".join(sorted(known))
    near = closest(ind.level1, known)
    if near:
        params = {"allowed": allowed, "suggestion": near}
        return Problem(file, "unknown_level1_near", line=ind.line, column="一级目标", value=ind.level1, params=params)
    return Problem(
        file, "unknown_level1", line=ind.line, column="一级目标", value=ind.level1, params={"allowed": allowed}
    )


def incomplete_problems(projects: list[ProjectRecord], file: str) -> list[Problem]:
    """``--strict``: every 不完整 project refused, its missing cells listed."""
    return [
        Problem(
            file,
            "incomplete_project",
            line=p.line,
            params={"project": p.name, "cells": "、".join(p.missing)},
        )
        for p in projects
        if p.missing
    ]


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
    drop_missing: bool = False,
    strict: bool = False,
) -> TargetsLoaded:
    """Parse and validate every file, then write them all in one transaction (or raise ValidationFailed).

    ``config`` (loaded by the caller, at the edge) gives the known labels and each indicator's form level.
    Targets are the admin's: another role is refused (and the refusal audited).  A reload that would drop
    an indicator with values is refused, unless ``drop_missing``: then it is marked removed, values kept.
    A 不完整 table loads with what it has and its missing cells listed; ``strict`` refuses it instead."""
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
        if not projects and not found:
            found = [Problem(name, "no_data_rows")]
        found = found + example_projects(projects, name) + validate_projects(projects, name, config)
        if strict:
            found += incomplete_problems(projects, name)
        problems.extend(_unique(found))
        parsed.append((name, hashlib.sha256(path.read_bytes()).hexdigest(), projects))
    if problems:
        raise ValidationFailed(problems)
    written, removed, warnings, incomplete = [], [], [], []
    with write_transaction(db_path) as con:
        dropped = {name: _dropped_with_data(con, projects) for name, _, projects in parsed}
        if not drop_missing and any(dropped.values()):
            raise ValidationFailed([p for name, found in dropped.items() for p in _drop_problems(name, found)])
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
            gone = [(p.name, level3, count) for p, level3, _, count in dropped[name]]
            after = {"projects": [p.name for p in projects], "indicators": sum(len(p.indicators) for p in projects)}
            if gone:
                after["removed_with_values"] = [{"project": p, "indicator": i, "values": n} for p, i, n in gone]
            gaps = [(name, p.name, list(p.missing)) for p in projects if p.missing]
            if gaps:
                after["incomplete"] = [{"project": p, "missing": m} for _, p, m in gaps]
            incomplete += gaps
            said = [w for p in projects for w in p.warnings]
            if said:
                after["warnings"] = said
            warnings += said
            record(con, actor or local_operator(), "targets", name, after=after, load_id=load_id)
            written.append((name, len(projects), sum(len(p.indicators) for p in projects)))
            removed += gone
    return TargetsLoaded(written, removed, warnings, incomplete)


def _dropped_with_data(
    con: duckdb.DuckDBPyConnection, projects: list[ProjectRecord]
) -> list[tuple[ProjectRecord, str, int, int]]:
    """Indicators a reload of ``projects`` would drop that have values: (project, name, id, rows of values)."""
    out = []
    for project in projects:
        project_id = find_project(con, project.year, project.name)
        if project_id is None:
            continue
        named = {_key(i.level1, i.level2, i.level3) for i in project.indicators}
        for iid, l1, l2, l3 in con.execute(
            "SELECT indicator_id, level1, level2, level3 FROM indicator WHERE project_id = ? ORDER BY seq", [project_id]
        ).fetchall():
            if _key(l1, l2, l3) in named:
                continue
            count = _values_of(con, iid)
            if count:
                out.append((project, l3, iid, count))
    return out


def _values_of(con: duckdb.DuckDBPyConnection, indicator_id: int) -> int:
    """Rows that belong to an indicator (every revision of its values, baselines and references)."""
    return con.execute(
        "SELECT (SELECT count(*) FROM indicator_value WHERE indicator_id = $1)"
        " + (SELECT count(*) FROM reference_value WHERE indicator_id = $1)",
        [indicator_id],
    ).fetchone()[0]


def _drop_problems(file: str, dropped: list[tuple[ProjectRecord, str, int, int]]) -> list[Problem]:
    by_project: dict[str, tuple[ProjectRecord, list[tuple[str, int]]]] = {}
    for project, level3, _, count in dropped:
        by_project.setdefault(project.name, (project, []))[1].append((level3, count))
    return [
        Problem(
            file,
            "drops_indicators_with_data",
            line=project.line,
            params={
                "project": project.name,
                "indicators_zh": "、".join(f"“{n}”（{c} 条数据）" for n, c in found),
                "indicators_en": ", ".join(f"“{n}” ({c} values)" for n, c in found),
            },
        )
        for project, found in by_project.values()
    ]


def _key(level1: str, level2: str, level3: str) -> tuple[str, str, str]:
    return normalise_name(level1), normalise_name(level2), normalise_name(level3)


def find_project(con: duckdb.DuckDBPyConnection, year: int, name: str) -> int | None:
    """The stored project of ``year`` that ``name`` means (by its normal form, see core.names)."""
    rows = con.execute("SELECT project_id, name FROM project WHERE year = ?", [year]).fetchall()
    return NameIndex((None, stored, pid) for pid, stored in rows).find(None, name)


def store_project(con: duckdb.DuckDBPyConnection, project: ProjectRecord, load_id: int, config: Config) -> int:
    """Insert or update one project and its indicators inside the caller's transaction."""
    background, content, structure = split_overview(project.overview)
    values = {name: getattr(project, name, None) for name in PROJECT_COLUMNS}
    if values["budget_initial"] is None:  # a table with one budget figure: 年初 and 全年 are the same
        values["budget_initial"] = project.budget
    values.update(background=background, content=content, structure=structure)
    values.update(complete=project.complete, missing=json.dumps(project.missing, ensure_ascii=False))
    columns = list(values)
    project_id = find_project(con, project.year, project.name)
    if project_id is not None:
        assignments = ", ".join(f"{c} = ?" for c in columns)
        con.execute(
            f"UPDATE project SET {assignments}, load_id = ? WHERE project_id = ?",
            [*values.values(), load_id, project_id],
        )
    else:
        project_id = con.execute(
            f"INSERT INTO project (project_id, {', '.join(columns)}, load_id) "
            f"VALUES (nextval('project_id_seq'), {', '.join('?' * len(columns))}, ?) RETURNING project_id",
            [*values.values(), load_id],
        ).fetchone()[0]
    _store_indicators(con, project_id, project.indicators, config, load_id)
    return project_id


def _store_indicators(
    con: duckdb.DuckDBPyConnection,
    project_id: int,
    indicators: list[IndicatorRecord],
    config: Config,
    load_id: int | None = None,
) -> None:
    """Update the indicators the table names, add new ones (or bring back removed ones), and drop the rest.

    A dropped indicator without values is deleted (with its binding); one with values (the caller has
    checked that dropping was asked for) moves to ``removed_indicator``, keeping its id and its values."""
    current = con.execute(
        "SELECT indicator_id, level1, level2, level3 FROM indicator WHERE project_id = ?", [project_id]
    ).fetchall()
    removed = con.execute(
        "SELECT indicator_id, level1, level2, level3 FROM removed_indicator WHERE project_id = ?", [project_id]
    ).fetchall()
    for iid, *_ in _named(removed, indicators):
        _move(con, "removed_indicator", "indicator", iid)  # named again: back, with its values
    existing = {_key(l1, l2, l3): iid for iid, l1, l2, l3 in current + removed}
    keep = set()
    year = con.execute("SELECT year FROM project WHERE project_id = ?", [project_id]).fetchone()[0]
    vocab = load_vocabulary()
    for seq, ind in enumerate(indicators, start=1):
        level3 = ind.level3 or f"{MISSING_MARK}{seq}"  # a row with no name keeps its place (不完整)
        t = parse_target(ind.target, level3, year)  # 年底前: the project's year
        kind = t.kind if ind.target.strip() else "qualitative"  # 待补充: judged once a value is given
        values = [
            seq,
            ind.level1,
            ind.level2,
            level3,
            form_level(config, vocab, ind.level1, ind.level2),
            ind.target,
            kind,
            t.operator,
            t.value,
            t.unit,
            t.direction,
            t.needs,
            t.deadline,
            ind.weight,
            ind.level_weight,
        ]
        key = _key(ind.level1, ind.level2, level3)
        if key in existing:
            keep.add(existing[key])
            con.execute(
                "UPDATE indicator SET seq = ?, level1 = ?, level2 = ?, level3 = ?, form_level1 = ?, target_text = ?, "
                "kind = ?, operator = ?, target_value = ?, unit = ?, direction = ?, needs = ?, deadline = ?, weight = ?, "
                "level_weight = ? WHERE indicator_id = ?",
                [*values, existing[key]],
            )
        else:
            con.execute(
                "INSERT INTO indicator (indicator_id, project_id, seq, level1, level2, level3, form_level1, target_text, "
                "kind, operator, target_value, unit, direction, needs, deadline, weight, level_weight) "
                "VALUES (nextval('indicator_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [project_id, *values],
            )
    for iid, *_ in current:
        if iid in keep:
            continue
        if _values_of(con, iid):
            _move(con, "indicator", "removed_indicator", iid, load_id)
        else:
            con.execute("DELETE FROM binding WHERE indicator_id = ?", [iid])
            con.execute("DELETE FROM indicator WHERE indicator_id = ?", [iid])


def form_level(config: Config, vocab: Vocabulary, level1: str, level2: str) -> str:
    """The self-evaluation form's 一级 label: config's mapping first, then the vocabulary's; an empty or
    unknown 一级 (a 不完整 row) keeps its own word, so it weighs nothing until it is filled."""
    if level1 in config.levels.level1_to_form or config.levels.satisfaction_word in level2:
        return config.form_level1(level1, level2)
    return vocab.form_level1(level1) or level1


def _named(rows: list[tuple], indicators: list[IndicatorRecord]) -> list[tuple]:
    names = {_key(i.level1, i.level2, i.level3) for i in indicators}
    return [row for row in rows if _key(*row[1:]) in names]


def _move(con: duckdb.DuckDBPyConnection, source: str, target: str, indicator_id: int, load_id=None) -> None:
    """Move one indicator row between ``indicator`` and ``removed_indicator`` (same columns, plus removed_by)."""
    columns = [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicator' ORDER BY ordinal_position"
        ).fetchall()
    ]
    names = ", ".join(columns)
    extra_cols, extra_vals = (", removed_by", ", ?") if target == "removed_indicator" else ("", "")
    con.execute(
        f"INSERT INTO {target} ({names}{extra_cols}) SELECT {names}{extra_vals} FROM {source} WHERE indicator_id = ?",
        ([load_id] if extra_vals else []) + [indicator_id],
    )
    con.execute(f"DELETE FROM {source} WHERE indicator_id = ?", [indicator_id])


def read_projects(con: duckdb.DuckDBPyConnection, year: int | None = None) -> list[ProjectRecord]:
    """Projects with their indicators, in load order, as records (for export and round trips)."""
    where, params = ("WHERE year = ?", [year]) if year else ("", [])
    fields = [c for c in PROJECT_COLUMNS if c not in ("background", "content", "structure")]
    projects = []
    for row in con.execute(
        f"SELECT project_id, missing, {', '.join(fields)} FROM project {where} ORDER BY year, project_id", params
    ).fetchall():
        project = ProjectRecord(**dict(zip(fields, row[2:], strict=True)))
        project.missing = json.loads(row[1]) if row[1] else []
        project.indicators = [
            IndicatorRecord(l1, l2, l3, target, weight=weight, level_weight=level_weight)
            for l1, l2, l3, target, weight, level_weight in con.execute(
                "SELECT level1, level2, level3, target_text, weight, level_weight FROM indicator "
                "WHERE project_id = ? ORDER BY seq",
                [row[0]],
            ).fetchall()
        ]
        projects.append(project)
    return projects
