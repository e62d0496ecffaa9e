"""Next year's target tables drafted from this year's (docs/domain.md §1: the yearly cycle).

Units file next year's 绩效目标表 for the same projects, usually with the same indicators.  The
draft is this year's structured targets file moved on a year: same projects and indicators (targets
verbatim, for staff to edit), dates moved on a year, and 同名项目上年预算额 / 上年预算执行数 filled
with this year's budget in force and spending to date at December.  Indicators judged against last
year (``increase`` targets judged by ``value_vs_baseline``) get this year's December value as next
year's 基期值, in a second file of the ``reference`` upload kind, loaded after the targets
(``perfboard ingest actuals``).  Those judged by a stream (``visitors_yoy``) need nothing carried: this
year's stream rows are next year's baseline already.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from core.config import Config
from ingest.actual_kinds import KINDS, KindName
from ingest.spreadsheet import write_sheet
from ingest.target_records import ProjectRecord
from ingest.target_store import read_projects
from ingest.target_table import write_target_table
from metrics.rules import RuleName
from metrics.status import compute_status

BASELINE_SUFFIX = "_基期值"


@dataclass(frozen=True)
class Baseline:
    """Next year's 基期值 of an indicator: this year's December value."""

    project: str
    indicator: str
    value: float


@dataclass
class Draft:
    """The tables of ``year`` drafted from ``from_year``."""

    from_year: int
    year: int
    projects: list[ProjectRecord] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)

    @property
    def indicators(self) -> int:
        return sum(len(p.indicators) for p in self.projects)


class NothingToDraft(ValueError):
    """The year drafted from has no projects."""


def _next(day: date | None, years: int) -> date | None:
    """The same day a year on (29 February becomes the 28th)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _money(x: float | None) -> Decimal | None:
    """A figure of the status (a float) as the table's money: to the fen, 3890000 → 3890000.00."""
    return None if x is None or x != x else Decimal(str(round(float(x), 2))).quantize(Decimal("0.01"))


def draft_next_year(con: duckdb.DuckDBPyConnection, config: Config, from_year: int) -> Draft:
    """Next year's targets from ``from_year``'s: its projects moved on a year, last year's figures filled in."""
    projects = read_projects(con, from_year)
    if not projects:
        raise NothingToDraft(f"no projects in {from_year}")
    december = compute_status(con, config, from_year, 12)
    by_name = {p.name: p for p in december.projects}
    draft = Draft(from_year, from_year + 1)
    for record in projects:
        status = by_name.get(record.name)
        draft.projects.append(
            replace(
                record,
                year=from_year + 1,
                start_date=_next(record.start_date, 1),
                end_date=_next(record.end_date, 1),
                prev_budget=_money(status.budget) if status else None,
                prev_executed=_money(status.executed_to_date) if status else None,
                indicators=list(record.indicators),
                warnings=[],
            )
        )
        for i in status.indicators if status else ():
            if i.kind == "increase" and i.rule == RuleName.VALUE_VS_BASELINE and isinstance(i.actual, int | float):
                draft.baselines.append(Baseline(record.name, i.name, float(i.actual)))
    return draft


def baselines_path(out: Path) -> Path:
    """Where the 基期值 file of a draft written to ``out`` goes: beside it, same format."""
    return out.with_name(f"{out.stem}{BASELINE_SUFFIX}{out.suffix}")


def write_draft(draft: Draft, out: Path) -> list[Path]:
    """The targets file at ``out`` (.csv or .xlsx) and, when any are carried, the 基期值 file beside it."""
    written = [write_target_table(draft.projects, out)]
    if draft.baselines:
        spec = KINDS[KindName.REFERENCE]
        rows = [
            {
                "project": b.project,
                "indicator": b.indicator,
                "month": f"{draft.year}-01",
                "ref_type": "基期值",
                "value": f"{b.value:g}",
                "note": f"{draft.from_year}年12月实际值",
            }
            for b in draft.baselines
        ]
        note = (
            f"{draft.year}年同比指标的基期值（{draft.from_year}年12月实际值）。"
            f"先载入{draft.year}年绩效目标表，再用 perfboard ingest actuals 载入本文件。"
        )
        table = [[row.get(c.key, "") for c in spec.columns] for row in rows]
        written.append(write_sheet(baselines_path(out), spec.zh, list(spec.columns), table, note))
    return written


def draft_files(con: duckdb.DuckDBPyConnection, config: Config, from_year: int) -> list[tuple[str, bytes]]:
    """The draft as (file name, XLSX bytes) pairs, for a download button: the targets, then the 基期值."""
    import tempfile

    draft = draft_next_year(con, config, from_year)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_draft(draft, Path(folder) / f"绩效目标表_{draft.year}_草稿.xlsx")
        return [(p.name, p.read_bytes()) for p in paths]
