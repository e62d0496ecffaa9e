"""Status of every indicator and project as of a month: the one implementation behind CLI, pages and exports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

import duckdb

from perfboard import clock

STATUS_ORDER = ("red", "yellow", "grey", "green", "blue")  # worst first


@dataclass
class IndicatorStatus:
    indicator_id: int
    level1: str
    level2: str
    name: str
    target: str
    kind: str
    actual: float | str | None
    expected: float | None
    status: str
    explanation: str
    explanation_en: str


@dataclass
class ProjectStatus:
    project_id: int
    name: str
    status: str
    budget: float | None
    executed_to_date: float | None
    execution_rate: float | None
    time_progress: float
    budget_status: str
    indicators: list[IndicatorStatus] = field(default_factory=list)


@dataclass
class StatusReport:
    year: int
    month: str
    projects: list[ProjectStatus]

    def to_dict(self, lang: str = "zh") -> dict:
        """The JSON contract of DESIGN.md §4."""
        out = {"year": self.year, "month": self.month, "projects": []}
        for p in self.projects:
            pd_ = {k: v for k, v in asdict(p).items() if k not in ("indicators", "project_id")}
            pd_["indicators"] = [
                {
                    "level1": i.level1,
                    "level2": i.level2,
                    "name": i.name,
                    "target": i.target,
                    "actual": i.actual,
                    "expected": i.expected,
                    "status": i.status,
                    "explanation": i.explanation_en if lang == "en" else i.explanation,
                }
                for i in p.indicators
            ]
            out["projects"].append(pd_)
        return out


def worst(statuses: list[str]) -> str:
    """The project light: the worst of its lights (red > yellow > grey > green > blue)."""
    present = [s for s in STATUS_ORDER if s in statuses]
    return present[0] if present else "grey"


def default_month(year: int, today: date | None = None) -> int:
    """The as-of month: the current month for the current year, December for a past year."""
    today = today or clock.today()
    if year < today.year:
        return 12
    if year > today.year:
        return 1
    return today.month


def compute_status(
    con: duckdb.DuckDBPyConnection, year: int | None = None, month: int | None = None, project: str | None = None
) -> StatusReport:
    """Lights for every indicator of every project of ``year`` as of ``month`` (1–12)."""
    if year is None:
        row = con.execute("SELECT max(year) FROM project").fetchone()
        year = row[0] if row and row[0] else date.today().year
    month = month or default_month(year)
    time_progress = round(month / 12, 4)
    params: list = [year]
    where = "WHERE p.year = ?"
    if project:
        where += " AND p.name = ?"
        params.append(project)
    rows = con.execute(
        f"""
        SELECT p.project_id, p.name, CAST(p.budget AS DOUBLE),
               i.indicator_id, i.level1, i.level2, i.level3, i.target_text, i.kind
        FROM project p LEFT JOIN indicator i USING (project_id)
        {where}
        ORDER BY p.project_id, i.seq
        """,
        params,
    ).fetchall()
    projects: dict[int, ProjectStatus] = {}
    for pid, name, budget, iid, l1, l2, l3, target, kind in rows:
        ps = projects.get(pid)
        if ps is None:
            ps = projects[pid] = ProjectStatus(
                pid,
                name,
                "grey",
                budget,
                None,
                None,
                time_progress,
                "grey",
            )
        if iid is None:
            continue
        ps.indicators.append(
            IndicatorStatus(
                iid,
                l1,
                l2,
                l3,
                target,
                kind,
                None,
                None,
                "grey",
                f"截至{month}月未填报实际数据",
                f"no actuals reported up to {year}-{month:02d}",
            )
        )
    for ps in projects.values():
        ps.status = worst([ps.budget_status] + [i.status for i in ps.indicators])
    return StatusReport(year, f"{year}-{month:02d}", list(projects.values()))


STATUS_LABELS = {
    "zh": {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", "grey": "未填报"},
    "en": {"green": "green", "yellow": "yellow", "red": "red", "blue": "blue", "grey": "no data"},
}


def status_rows(report: StatusReport, lang: str = "zh") -> list[dict]:
    """One flat row per indicator, project figures repeated: for CSV, tables and spreadsheets."""
    rows = []
    for p in report.projects:
        for i in p.indicators:
            rows.append(
                {
                    "month": report.month,
                    "project": p.name,
                    "project_status": p.status,
                    "budget": p.budget,
                    "executed_to_date": p.executed_to_date,
                    "execution_rate": p.execution_rate,
                    "time_progress": p.time_progress,
                    "budget_status": p.budget_status,
                    "level1": i.level1,
                    "level2": i.level2,
                    "indicator": i.name,
                    "target": i.target,
                    "actual": i.actual,
                    "expected": i.expected,
                    "status": i.status,
                    "explanation": i.explanation_en if lang == "en" else i.explanation,
                }
            )
    return rows
