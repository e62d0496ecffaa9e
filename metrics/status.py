"""Status of every indicator and project as of a month: the one implementation behind CLI, pages and exports.

Measures to date come from SQL (``metrics.measures``); each indicator is judged by its
bound rule (``metrics.judge``); a project's light is the worst of its budget light and its
indicators' lights; the unit's roll-up weighs projects by budget.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb

from metrics import measures
from core.config import effective_config
from metrics.judge import Context, Indicator, Judgement, budget_light, judge
from metrics.lights import GREY, WORST_FIRST, worst
from metrics.rules import DEFAULT_RULE
from core import clock

STATUS_ORDER = WORST_FIRST
STATUS_LABELS = {
    "zh": {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", "grey": "未填报"},
    "en": {"green": "green", "yellow": "yellow", "red": "red", "blue": "blue", "grey": "no data"},
}


@dataclass
class IndicatorStatus:
    indicator_id: int
    level1: str
    level2: str
    name: str
    target: str
    kind: str
    rule: str
    actual: float | str | None
    expected: float | None
    status: str
    explanation: str
    explanation_en: str
    projection: float | str | None = None
    at_risk: bool = False
    missing: list[int] = field(default_factory=list)
    not_due: bool = False
    target_value: float | None = None
    unit: str | None = None


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
    budget_explanation: str = ""
    budget_explanation_en: str = ""
    indicators: list[IndicatorStatus] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUS_ORDER, 0)
        for i in self.indicators:
            out[i.status] += 1
        return out


@dataclass
class StatusReport:
    year: int
    month: str
    projects: list[ProjectStatus]

    def unit(self) -> dict:
        """The unit's roll-up: totals, 执行率, and the share of the budget under each project light."""
        budget = sum(p.budget or 0 for p in self.projects)
        executed = sum(p.executed_to_date or 0 for p in self.projects)
        by_light = dict.fromkeys(STATUS_ORDER, 0.0)
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for p in self.projects:
            by_light[p.status] += (p.budget or 0) / budget if budget else 0
            for status, n in p.counts().items():
                counts[status] += n
        return {
            "projects": len(self.projects),
            "budget": budget,
            "executed_to_date": executed,
            "execution_rate": round(executed / budget, 4) if budget else None,
            "budget_share_by_status": {k: round(v, 4) for k, v in by_light.items()},
            "indicator_counts": counts,
            "status": worst(p.status for p in self.projects) if self.projects else GREY,
        }

    def to_dict(self, lang: str = "zh") -> dict:
        """The JSON contract of DESIGN.md §4 (with the unit roll-up and each light's projection added)."""
        en = lang == "en"
        out = {"year": self.year, "month": self.month, "projects": [], "unit": self.unit()}
        for p in self.projects:
            project = {
                "name": p.name,
                "status": p.status,
                "budget": p.budget,
                "executed_to_date": p.executed_to_date,
                "execution_rate": p.execution_rate,
                "time_progress": p.time_progress,
                "budget_status": p.budget_status,
                "budget_explanation": p.budget_explanation_en if en else p.budget_explanation,
                "indicators": [
                    {
                        "level1": i.level1,
                        "level2": i.level2,
                        "name": i.name,
                        "target": i.target,
                        "actual": i.actual,
                        "expected": _round(i.expected),
                        "status": i.status,
                        "explanation": i.explanation_en if en else i.explanation,
                        "projection": _round(i.projection),
                        "at_risk": i.at_risk,
                    }
                    for i in p.indicators
                ],
            }
            out["projects"].append(project)
        return out


def _round(v):
    return round(v, 4) if isinstance(v, float) else v


def default_month(year: int, today: date | None = None) -> int:
    """The as-of month: the current month for the current year, December for a past year."""
    today = today or clock.today()
    if year < today.year:
        return 12
    if year > today.year:
        return 1
    return today.month


def latest_month_with_data(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    """The last month of ``year`` for which any actual was uploaded (the dashboard's default)."""
    row = con.execute(
        """
        SELECT max(m) FROM (
            SELECT max(month) AS m FROM budget_month WHERE replaced_by IS NULL AND year(month) = ?
            UNION ALL SELECT max(month) FROM indicator_value WHERE replaced_by IS NULL AND year(month) = ?
            UNION ALL SELECT max(month) FROM deliverable_month WHERE replaced_by IS NULL AND year(month) = ?
            UNION ALL SELECT max(month) FROM hotline_ticket WHERE replaced_by IS NULL AND year(month) = ?
        )
        """,
        [year] * 4,
    ).fetchone()
    return row[0].month if row and row[0] else None


def _by(records: list[dict], *keys) -> dict:
    if len(keys) == 1:
        return {r[keys[0]]: r for r in records}
    return {tuple(r[k] for k in keys): r for r in records}


def build_context(con: duckdb.DuckDBPyConnection, year: int, month: int, config: dict | None = None) -> Context:
    """Everything measured to date for the as-of month, keyed for the judges."""
    cfg = config or effective_config(con)
    deliverables = measures.deliverables_to_date(con, year, month, as_records=True)
    delivered = _by(deliverables, "project_id", "item")
    months_by_project: dict[int, set[int]] = {}
    for row in deliverables:
        months_by_project.setdefault(row["project_id"], set()).update(row["months_reported"])
    for pid, months in months_by_project.items():
        delivered[(pid, None)] = sorted(months)
    ctx = Context(
        year,
        month,
        cfg,
        budget=_by(measures.budget_to_date(con, year, month, as_records=True), "project_id"),
        budget_light={},
        hotline=_by(measures.hotline_to_date(con, year, month, as_records=True, config=cfg), "project_id"),
        events=_by(measures.opinion_events_to_date(con, year, month, as_records=True, config=cfg), "project_id"),
        hours=_by(measures.opinion_hours_to_date(con, year, month, as_records=True, config=cfg), "project_id"),
        visitors=_by(measures.visitors_to_date(con, year, month, as_records=True), "project_id"),
        deliverables=delivered,
        values=_by(measures.values_to_date(con, year, month, as_records=True), "indicator_id"),
        references=_by(measures.references_to_date(con, year, month, as_records=True), "indicator_id"),
    )
    ctx.budget_light = {pid: budget_light(row, ctx) for pid, row in ctx.budget.items()}
    return ctx


def compute_status(
    con: duckdb.DuckDBPyConnection,
    year: int | None = None,
    month: int | None = None,
    project: str | None = None,
    config: dict | None = None,
) -> StatusReport:
    """Lights for every indicator of every project of ``year`` as of ``month`` (1–12)."""
    if year is None:
        row = con.execute("SELECT max(year) FROM project").fetchone()
        year = row[0] if row and row[0] else clock.today().year
    month = month or default_month(year)
    ctx = build_context(con, year, month, config)
    params: list = [year]
    where = "WHERE p.year = ?"
    if project:
        where += " AND p.name = ?"
        params.append(project)
    rows = con.execute(
        f"""
        SELECT p.project_id, p.name, CAST(p.budget AS DOUBLE),
               i.indicator_id, i.level1, i.level2, i.level3, i.target_text, i.kind, i.operator, i.target_value,
               i.unit, b.rule, b.item, b.plan, b.params
        FROM project p
        LEFT JOIN indicator i USING (project_id)
        LEFT JOIN binding b USING (indicator_id)
        {where}
        ORDER BY p.project_id, i.seq
        """,
        params,
    ).fetchall()
    projects: dict[int, ProjectStatus] = {}
    plans: dict[str, dict] = {}  # the same plan text recurs: parse it once
    for pid, name, budget, iid, l1, l2, l3, target, kind, op, value, unit, rule, item, plan, extra in rows:
        ps = projects.get(pid)
        if ps is None:
            ps = projects[pid] = _project_status(pid, name, budget, ctx)
        if iid is None:
            continue
        ind = Indicator(
            iid,
            pid,
            l3,
            target,
            kind,
            op,
            value,
            unit,
            rule or DEFAULT_RULE[kind],
            item,
            _plan(plan, plans) if plan else None,
            json.loads(extra) if extra else {},
        )
        j: Judgement = judge(ind, ctx)
        ps.indicators.append(
            IndicatorStatus(
                iid,
                l1,
                l2,
                l3,
                target,
                kind,
                ind.rule,
                _round(j.actual),
                j.expected,
                j.status,
                j.explanation,
                j.explanation_en,
                j.projection,
                j.at_risk,
                j.missing,
                j.not_due,
                value,
                unit,
            )
        )
    for ps in projects.values():
        ps.status = worst([ps.budget_status] + [i.status for i in ps.indicators if counts_for_project(i)])
    return StatusReport(year, f"{year}-{month:02d}", list(projects.values()))


def _plan(text: str, seen: dict[str, dict]) -> dict[int, float]:
    if text not in seen:
        seen[text] = {int(k): float(v) for k, v in json.loads(text).items()}
    return seen[text]


def counts_for_project(i: IndicatorStatus) -> bool:
    """Not-applicable indicators and those with nothing due yet do not colour the project."""
    return i.kind != "not_applicable" and not i.not_due


def _project_status(pid: int, name: str, budget: float | None, ctx: Context) -> ProjectStatus:
    row = ctx.budget.get(pid)
    status, zh, en = ctx.budget_light.get(pid, (GREY, "无预算执行数据", "no budget data"))
    reported = row is not None and len(row["months_reported"]) > 0
    return ProjectStatus(
        pid,
        name,
        GREY,
        budget,
        round(row["spent"], 2) if reported else None,
        round(row["execution_rate"], 4) if reported and row["execution_rate"] is not None else None,
        round(ctx.time_progress, 4),
        status,
        zh,
        en,
    )


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
                    "expected": _round(i.expected),
                    "status": i.status,
                    "at_risk": i.at_risk,
                    "explanation": i.explanation_en if lang == "en" else i.explanation,
                }
            )
    return rows
