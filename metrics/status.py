"""Status of every indicator and project as of a month: the one implementation behind CLI, pages and exports.

Judged in bulk: the measures to date come from SQL (``metrics.measures``), once each; every rule of
the registry (``metrics.rules``) judges all of its indicators at once; a project's light is the
worst of its budget light and its indicators' lights; the unit's roll-up weighs projects by budget.
The result holds frames; typed records (``ProjectStatus``, ``IndicatorStatus``) and explanations
are made only when someone reads them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from core import clock
from core.config import Config
from metrics.lights import GREY, WORST_FIRST, Light
from metrics.measures import frame, run_all, year_rows
from metrics.rules import DEFAULT_RULE, REGISTRY, Grey, Period, RuleName, UnknownRule, rule
from metrics.rules.base import explain_demoted, explain_grey, explain_revised, missing_months, no_green_at_risk
from metrics.rules.budget import explain_budget_light, project_budget_lights

STATUS_ORDER = WORST_FIRST
# the target table's words: carried beside the judging, joined back for records and explanations
SHOWN = ("project", "level1", "level2", "target", "origin", "target_original", "revised_month", "revision_reason")
# the target table's header fields and its completeness, carried per project into the JSON (docs/design.md §4)
HEADER_FIELDS = ("department", "implementing_unit", "project_type", "fund_use", "start", "end", "complete", "missing")
PLAN_LEVEL1 = "计划内目标"  # targets from the project's prose (``plan_target``): shown and judged, not scored
TARGET_MISSING = (  # a 不完整 table's indicator with no 指标值: nothing to judge against until it is filled
    "指标值待补充：绩效目标表未给出指标值，补齐后再判断",
    "target to be filled in (待补充): the target table gives no value to judge against",
)


def missing_notice(missing: list[str], lang: str = "zh") -> str:
    """The one-line 不完整 notice: the missing cells grouped by column, "指标值：第12行“培训人次”、第14行"."""
    groups: dict[str, list[str]] = {}
    for cell in missing:
        column, _, where = cell.partition("（")
        groups.setdefault(column, []).append(where.rstrip("）"))
    parts = [f"{c}：{'、'.join(w for w in ws if w)}" if any(ws) else c for c, ws in groups.items()]
    if lang == "en":
        return "Incomplete target table (不完整), to be filled in: " + "; ".join(parts)
    return "绩效目标表不完整，待补充：" + "；".join(parts)


SEVERITY = {str(light): k for k, light in enumerate(WORST_FIRST)}
STATUS_LABELS = {
    "zh": {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", "grey": "未填报"},
    "en": {"green": "green", "yellow": "yellow", "red": "red", "blue": "blue", "grey": "no data"},
}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain dicts (JSON-ready): NaN and NaT as None, numpy scalars as Python ones."""
    values = frame.to_numpy(dtype=object)
    values[frame.isna().to_numpy()] = None
    columns = list(frame.columns)
    return [dict(zip(columns, row, strict=True)) for row in values]


def rounded(v):
    """A figure as the report gives it: a float to 4 places (the status JSON, the project page's paths)."""
    return round(v, 4) if isinstance(v, float) else v


@dataclass(frozen=True)
class Judgement:
    """A rule's verdict on one indicator; its explanation is rendered on reading, from the rule's bands."""

    rule: RuleName
    status: Light
    actual: float | int | str | None
    expected: float | int | None
    projection: float | str | None
    at_risk: bool
    facts: Mapping[str, Any]
    period: Period

    @property
    def grey(self) -> Grey:
        return Grey(self.facts.get("grey") or "")

    @property
    def not_due(self) -> bool:
        """Nothing was due yet: shown grey, left out of the project's light."""
        return self.grey == Grey.NOT_DUE

    @property
    def missing(self) -> list[int]:
        """The months whose data is missing (grey lights)."""
        if self.grey == Grey.STREAM_MISSING:
            return missing_months(self.facts.get("months_mask"), self.period.month)
        if self.grey == Grey.DUE_MISSING:
            return [int(self.facts["due_month"])]
        return []

    def explain(self, lang: str = "zh") -> str:
        if self.facts.get("origin", "table") == "table" and not (self.facts.get("target") or "").strip():
            return TARGET_MISSING[lang == "en"]
        found = REGISTRY[self.rule]
        if self.grey != Grey.NONE:
            return explain_grey(self.facts, self.period, lang, found.what)
        said = found.explain(self.facts, self.period, lang)
        return said + explain_demoted(self.facts, lang) + explain_revised(self.facts, lang)

    @cached_property
    def explanation(self) -> str:
        return self.explain("zh")

    @cached_property
    def explanation_en(self) -> str:
        return self.explain("en")


RATE_RULES = (RuleName.BUDGET_TIMELINESS,)  # actuals in percent points whatever the target's unit


@dataclass(frozen=True)
class IndicatorStatus:
    """One indicator's verdict: what the target table says of it, and its judgement."""

    indicator_id: int
    project_id: int
    level1: str
    level2: str
    name: str
    target: str
    kind: str
    target_value: float | None
    unit: str | None
    judgement: Judgement
    origin: str = "table"  # "plan": a target of the prose, not of the table (计划内目标)
    target_original: str | None = None  # the table's target when a revision is in force

    @property
    def revised(self) -> bool:
        return self.target_original is not None and self.target_original != self.target

    @property
    def actual_unit(self) -> str | None:
        """The unit the actual is in: the target's, except for rules whose actual is a rate in points though
        the target has none (预算执行及时性 "及时" is judged on 执行率: 97 is 97%)."""
        return "%" if self.judgement.rule in RATE_RULES else self.unit

    rule = property(lambda self: self.judgement.rule)
    status = property(lambda self: self.judgement.status)
    actual = property(lambda self: rounded(self.judgement.actual))
    expected = property(lambda self: self.judgement.expected)
    projection = property(lambda self: self.judgement.projection)
    at_risk = property(lambda self: self.judgement.at_risk)
    not_due = property(lambda self: self.judgement.not_due)
    missing = property(lambda self: self.judgement.missing)
    explanation = property(lambda self: self.judgement.explanation)
    explanation_en = property(lambda self: self.judgement.explanation_en)


def counts_for_project(i: IndicatorStatus) -> bool:
    """Not-applicable indicators and those with nothing due yet do not colour the project."""
    return i.kind != "not_applicable" and not i.not_due


@dataclass(frozen=True)
class ProjectStatus:
    project_id: int
    name: str
    status: Light
    budget: float | None
    executed_to_date: float | None
    execution_rate: float | None
    time_progress: float
    budget_status: Light
    budget_facts: Mapping[str, Any] = field(default_factory=dict, repr=False)
    period: Period | None = field(default=None, repr=False)
    indicators: tuple[IndicatorStatus, ...] = ()
    budget_initial: float | None = None  # 年初预算数; ``budget`` is the one in force at the month
    adjustments: tuple[Mapping[str, Any], ...] = ()  # 预算调整 up to the month: month, before, budget, reason
    header: Mapping[str, Any] = field(default_factory=dict)  # 主管部门, 实施单位, 项目类型, 资金用途, start, end

    @property
    def missing(self) -> list[str]:
        """The cells a 不完整 target table left empty (empty when it was loaded whole)."""
        raw = self.budget_facts.get("missing")
        return json.loads(raw) if raw else []

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def adjusted(self) -> bool:
        return bool(self.adjustments)

    @cached_property
    def budget_explanation(self) -> str:
        return explain_budget_light(self.budget_facts, self.period, "zh")

    @cached_property
    def budget_explanation_en(self) -> str:
        return explain_budget_light(self.budget_facts, self.period, "en")

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUS_ORDER, 0)
        for i in self.indicators:
            out[i.status] += 1
        return out


@dataclass(frozen=True)
class StatusReport:
    """Every light of a year as of a month. ``projects``/``indicators`` frames; records on reading."""

    year: int
    month: str
    period: Period
    project_frame: pd.DataFrame = field(repr=False)
    indicator_frame: pd.DataFrame = field(repr=False)
    judged: Mapping[RuleName, pd.DataFrame] = field(repr=False)
    adjustments: Mapping[int, list[dict]] = field(default_factory=dict, repr=False)

    def only(self, project_ids) -> StatusReport:
        """The same report cut to some projects (a viewer's scope, a page): records cost only what they hold."""
        wanted = set(project_ids)
        return replace(
            self,
            project_frame=self.project_frame[self.project_frame["project_id"].isin(wanted)],
            indicator_frame=self.indicator_frame[self.indicator_frame["project_id"].isin(wanted)],
            judged={name: f[f["project_id"].isin(wanted)] for name, f in self.judged.items()},
            adjustments={k: v for k, v in self.adjustments.items() if k in wanted},
        )

    @cached_property
    def projects(self) -> list[ProjectStatus]:
        """Typed records, in the order of the target table (made once, when first read)."""
        seq = dict(zip(self.indicator_frame["indicator_id"], self.indicator_frame["seq"], strict=True))
        words = {row["indicator_id"]: row for row in _records(self.indicator_frame[["indicator_id", *SHOWN]])}
        by_project: dict[int, list[IndicatorStatus]] = {}
        for name, judged in self.judged.items():
            for facts in _records(judged):
                facts |= words[facts["indicator_id"]]  # the table's words, for the record and its explanation
                by_project.setdefault(facts["project_id"], []).append(_indicator(name, facts, self.period))
        out = []
        for facts in _records(self.project_frame):
            indicators = sorted(by_project.get(facts["project_id"], []), key=lambda i: seq[i.indicator_id])
            reported = (facts.get("n_months") or 0) > 0
            rate = facts.get("execution_rate")
            out.append(
                ProjectStatus(
                    facts["project_id"],
                    facts["project"],
                    Light(facts["status"]),
                    facts["budget"],
                    round(facts["spent"], 2) if reported else None,
                    round(rate, 4) if reported and rate is not None else None,
                    round(self.period.time_progress, 4),
                    Light(facts.get("budget_status") or GREY),
                    facts,
                    self.period,
                    tuple(indicators),
                    facts.get("budget_initial"),
                    tuple(self.adjustments.get(facts["project_id"], ())),
                    {k: facts.get(k) for k in HEADER_FIELDS[:6]},
                )
            )
        return out

    def unit(self) -> dict:
        """The unit's roll-up: totals, 执行率, and the share of the budget under each project light."""
        p = self.project_frame
        budget = float(p["budget"].fillna(0).sum()) if len(p) else 0
        reported = p["n_months"].fillna(0) > 0
        executed = float(p["spent"].where(reported, 0).fillna(0).round(2).sum()) if len(p) else 0
        shares = p.groupby("status")["budget"].sum() / budget if budget else pd.Series(dtype=float)
        counts = self.indicator_frame["status"].value_counts()
        return {
            "projects": len(p),
            "budget": budget,
            "executed_to_date": executed,
            "execution_rate": round(executed / budget, 4) if budget else None,
            "budget_share_by_status": {str(k): round(float(shares.get(str(k), 0.0)), 4) for k in STATUS_ORDER},
            "indicator_counts": {str(k): int(counts.get(str(k), 0)) for k in STATUS_ORDER},
            "status": _worst(p["status"]) if len(p) else GREY,
        }

    def to_dict(self, lang: str = "zh") -> dict:
        """The JSON contract of docs/design.md §4 (with the unit roll-up and each light's projection added)."""
        en = lang == "en"
        out = {"year": self.year, "month": self.month, "projects": [], "unit": self.unit()}
        for p in self.projects:
            out["projects"].append(
                {
                    "name": p.name,
                    "status": p.status,
                    "budget": p.budget,
                    "budget_initial": p.budget_initial,
                    "budget_in_force": p.budget,
                    "adjustments": [dict(a) for a in p.adjustments],
                    "executed_to_date": p.executed_to_date,
                    "execution_rate": p.execution_rate,
                    "time_progress": p.time_progress,
                    "budget_status": p.budget_status,
                    "budget_explanation": p.budget_explanation_en if en else p.budget_explanation,
                    "complete": p.complete,
                    "missing": p.missing,
                    **dict(p.header),
                    "indicators": [
                        {
                            "level1": i.level1,
                            "level2": i.level2,
                            "name": i.name,
                            "target": i.target,
                            "target_in_force": i.target,
                            "target_original": i.target_original,
                            "actual": i.actual,
                            "expected": rounded(i.expected),
                            "status": i.status,
                            "explanation": i.explanation_en if en else i.explanation,
                            "projection": rounded(i.projection),
                            "at_risk": i.at_risk,
                            "plan_target": i.origin == "plan",
                        }
                        for i in p.indicators
                    ],
                }
            )
        return out


def _indicator(name: RuleName, facts: dict, period: Period) -> IndicatorStatus:
    judgement = Judgement(
        name,
        Light(facts["status"]),
        facts["actual"],
        facts["expected"],
        facts["projection"],
        bool(facts["at_risk"]),
        facts,
        period,
    )
    return IndicatorStatus(
        facts["indicator_id"],
        facts["project_id"],
        facts["level1"],
        facts["level2"],
        facts["name"],
        facts["target"],
        facts["kind"],
        facts["target_value"],
        facts["unit"],
        judgement,
        facts.get("origin") or "table",
        facts.get("target_original"),
    )


def _worst(statuses: pd.Series) -> Light:
    if statuses.empty:
        return GREY
    return WORST_FIRST[int(statuses.map(SEVERITY).min())]


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


def _targets(
    con: duckdb.DuckDBPyConnection, year: int, month: int, project: str | None, revised: bool = True
) -> pd.DataFrame:
    """One row per project and indicator (a project without indicators has one row with no indicator).

    The target is the one in force at ``month``: the latest revision up to it (绩效目标调整), else the
    table's; the original stays beside it.  ``revised=False``: the table's targets, as at any month
    before the first revision.
    """
    where = "WHERE p.year = $year"
    params = {"year": year, "start": f"{year}-01-01", "end": f"{year}-{month:02d}-01", "revised": revised}
    if project:
        where += " AND p.name = $project"
        params["project"] = project
    return frame(
        con,
        f"""
        WITH targets AS (
            SELECT project_id, indicator_id, seq, level1, level2, level3 AS name, target_text AS target, kind,
                   operator, target_value, unit, 'table' AS origin
            FROM indicator
            UNION ALL
            SELECT project_id, indicator_id, seq, '{PLAN_LEVEL1}', level2, name, target_text, kind,
                   operator, target_value, unit, 'plan'
            FROM plan_target
        ), revised AS (
            SELECT * FROM (
                SELECT r.*, row_number() OVER (PARTITION BY indicator_id ORDER BY month DESC) AS latest
                FROM target_revision r
                WHERE $revised AND replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
            ) WHERE latest = 1
        )
        SELECT p.project_id, p.name AS project, CAST(p.budget AS DOUBLE) AS budget,
               CAST(coalesce(p.budget_initial, p.budget) AS DOUBLE) AS budget_initial,
               p.department, p.implementing_unit, p.project_type, p.fund_use,
               strftime(p.start_date, '%Y-%m-%d') AS start, strftime(p.end_date, '%Y-%m-%d') AS "end",
               coalesce(p.complete, TRUE) AS complete, p.missing,
               i.indicator_id, i.seq, i.level1, i.level2, i.name,
               coalesce(r.target_text, i.target) AS target,
               CASE WHEN r.indicator_id IS NULL THEN i.kind ELSE r.kind END AS kind,
               CASE WHEN r.indicator_id IS NULL THEN i.operator ELSE r.operator END AS operator,
               CASE WHEN r.indicator_id IS NULL THEN i.target_value ELSE r.target_value END AS target_value,
               CASE WHEN r.indicator_id IS NULL THEN i.unit ELSE r.unit END AS unit,
               i.origin, i.target AS target_original, i.kind AS original_kind,
               month(r.month) AS revised_month, r.reason AS revision_reason,
               b.rule, b.item, b.plan, b.params
        FROM project p
        LEFT JOIN targets i USING (project_id)
        LEFT JOIN revised r USING (indicator_id)
        LEFT JOIN binding b USING (indicator_id)
        {where}
        ORDER BY p.project_id, i.seq
        """,
        params,
    )


def _resolve_rules(indicators: pd.DataFrame) -> pd.Series:
    """Each indicator's rule name: the binding's, else the default for its kind; unknown names are an error.

    A revised target whose kind is judged by another default rule (a number revised to a text) is
    re-bound to the default of its new kind: the old binding cannot judge it.
    """
    rebound = indicators["kind"].map(DEFAULT_RULE) != indicators["original_kind"].map(DEFAULT_RULE)
    bound = indicators["rule"].where(~rebound.to_numpy())
    names = bound.where(bound.notna(), indicators["kind"].map(DEFAULT_RULE))
    for name in names.dropna().unique():
        rule(name)  # raises UnknownRule
    if names.isna().any():
        kinds = ", ".join(sorted(indicators.loc[names.isna(), "kind"].astype(str).unique()))
        raise UnknownRule(f"no rule for target kind(s) {kinds}")
    return names


@dataclass(frozen=True)
class Targets:
    """What a status judges, the month aside: the target rows, each indicator's rule, the rows split by rule.

    Made from ``_targets`` (``_prepare``); the same for every month up to the first target revision, so a
    caller may keep it (``status_basis``) instead of reading and resolving it again for each month.
    """

    rows: pd.DataFrame  # one per project and indicator (``_targets``)
    indicators: pd.DataFrame  # the rows with an indicator, ``rule`` resolved
    groups: Mapping[RuleName, pd.DataFrame]  # the indicators of each rule, without the table's words
    words: pd.DataFrame  # the table's words of each indicator, in the order of ``indicators`` (0…n-1)
    projects: pd.DataFrame  # one row per project: its budget and header fields
    wanted: tuple[str, ...]  # the measures the rules read


def _prepare(rows: pd.DataFrame) -> Targets:
    indicators = rows[rows["indicator_id"].notna()].copy()
    indicators["indicator_id"] = indicators["indicator_id"].astype("int64")
    indicators["rule"] = _resolve_rules(indicators)
    used = [REGISTRY[RuleName(name)] for name in indicators["rule"].unique()]
    wanted = {"budget"} | {m for r in used for m in r.measures}
    # the target's text stays: a range's bounds are read from it (metrics/rules/between.py)
    shown = [c for c in [*SHOWN, *HEADER_FIELDS] if c != "target"]
    groups = {RuleName(name): g for name, g in indicators.drop(columns=shown).groupby("rule", sort=False)}
    words = indicators[["indicator_id", "project_id", "seq", *SHOWN, "kind"]].reset_index(drop=True)
    projects = rows[["project_id", "project", "budget", "budget_initial", *HEADER_FIELDS]].drop_duplicates("project_id")
    return Targets(rows, indicators, groups, words, projects, tuple(sorted(wanted)))


@dataclass(frozen=True)
class StatusBasis:
    """What a year's status needs whatever the month, made once: the targets (``Targets``, for every month
    before the first target revision) and the measures' month-independent rows (``measures.year_rows``,
    for the configuration whose digest it holds).

    The dashboard keeps one per data version (dashboard/data.py) and passes it to ``compute_status``, so a
    month not seen before costs only the month's step of its measures and its judging; from
    ``first_revision`` on the targets in force are read again for the month, and another configuration
    reads its rows again (the result is the same either way)."""

    year: int
    project: str | None
    first_revision: int | None  # the first month of the year with a 绩效目标调整 (None: none)
    targets: Targets
    kept: Mapping[str, pa.Table] = field(default_factory=dict, repr=False)  # ``measures.year_rows``
    digest: str | None = None  # the ``Config`` the kept rows were counted with

    def serves(self, year: int, month: int, project: str | None) -> bool:
        return (
            self.year == year
            and self.project == project
            and (self.first_revision is None or month < self.first_revision)
        )


def revision_months(con: duckdb.DuckDBPyConnection, year: int) -> set[int]:
    """The months of ``year`` in which some 绩效目标调整 takes effect: the targets in force change only there."""
    rows = con.execute(
        "SELECT DISTINCT month(month) FROM target_revision WHERE replaced_by IS NULL AND year(month) = ?", [year]
    ).fetchall()
    return {int(m) for (m,) in rows}


def status_basis(
    con: duckdb.DuckDBPyConnection, year: int, project: str | None = None, config: Config | None = None
) -> StatusBasis:
    """The month-independent inputs of ``year``'s status (or one project's): see ``StatusBasis``.  With
    ``config``, the measures' rows too (they depend on its limits)."""
    first = min(revision_months(con, year), default=None)
    targets = _prepare(_targets(con, year, 12, project, revised=False))
    if config is None or project is not None:  # one project's rows are cheap to read for each month
        return StatusBasis(year, project, first, targets)
    kept = year_rows(con, list(targets.wanted), year, config)
    return StatusBasis(year, project, first, targets, kept, config.digest)


def compute_status(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    year: int | None = None,
    month: int | None = None,
    project: str | None = None,
    basis: StatusBasis | None = None,
) -> StatusReport:
    """Lights for every indicator of every project of ``year`` as of ``month`` (1–12), judged in bulk.

    ``basis``: the year's targets prepared before (``status_basis``), used when it serves this month."""
    return judge_inputs(status_inputs(con, config, year, month, project, basis))


@dataclass(frozen=True)
class StatusInputs:
    """What a status reads from the database (``status_inputs``); judging them (``judge_inputs``) needs
    no connection, so a caller sharing one lock for its connections can let go of it before judging."""

    period: Period
    targets: Targets
    measures: dict[str, pd.DataFrame]
    adjustments: Mapping[int, list[dict]]


def status_inputs(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    year: int | None = None,
    month: int | None = None,
    project: str | None = None,
    basis: StatusBasis | None = None,
) -> StatusInputs:
    """The targets in force, the measures and the budget adjustments of ``year`` as of ``month``."""
    if year is None:
        row = con.execute("SELECT max(year) FROM project").fetchone()
        year = row[0] if row and row[0] else clock.today().year
    month = month or default_month(year)
    if basis is not None and basis.serves(year, month, project):
        targets = basis.targets
    else:
        targets = prepare_targets(con, year, month, project)
    same = basis is not None and basis.year == year and basis.project == project and basis.digest == config.digest
    measures = run_all(con, list(targets.wanted), year, month, config, basis.kept if same else None)
    return StatusInputs(Period(year, month, config), targets, measures, budget_adjustments(con, year, month, project))


def judge_inputs(inputs: StatusInputs) -> StatusReport:
    """The report of ``status_inputs``: every rule's verdicts, the indicators' words beside them, the
    projects' lights."""
    period, targets, measures = inputs.period, inputs.targets, inputs.measures
    judged = judge(targets, measures, period)
    budget = measures["budget_light"]
    columns = ["indicator_id", "project_id", "status", "grey", "kind"]
    verdicts = pd.concat([f[columns] for f in judged.values()]) if judged else pd.DataFrame(columns=columns)
    indicator_frame = _with_verdicts(targets, verdicts)
    projects = _project_lights(targets.projects, budget, verdicts)
    month = f"{period.year}-{period.month:02d}"
    return StatusReport(period.year, month, period, projects, indicator_frame, judged, inputs.adjustments)


def prepare_targets(con: duckdb.DuckDBPyConnection, year: int, month: int, project: str | None = None) -> Targets:
    """The targets in force at ``month`` with their rules, ready to judge (``Targets``)."""
    return _prepare(_targets(con, year, month, project))


def judge(targets: Targets, measures: dict[str, pd.DataFrame], period: Period) -> dict[RuleName, pd.DataFrame]:
    """Each rule's verdicts on its indicators as of ``period`` (the budget light added to ``measures`` first):
    the one judging step of the status report and of the project page's paths (metrics/paths.py)."""
    measures["budget_light"] = project_budget_lights(measures["budget"], period)
    return {
        name: no_green_at_risk(REGISTRY[name].judge(group, measures, period)) for name, group in targets.groups.items()
    }


def _with_verdicts(targets: Targets, verdicts: pd.DataFrame) -> pd.DataFrame:
    """The table's words of each indicator with its light, in the table's order.

    Every indicator is judged by exactly one rule, and each rule keeps its rows' labels, so the verdicts
    are put in place by label instead of joined (the words, mostly text, are not copied)."""
    labels = targets.indicators.index
    if len(verdicts) != len(labels) or not verdicts.index.is_unique:  # pragma: no cover (a rule lost or added rows)
        words = targets.words.drop(columns="kind")
        return words.merge(verdicts[["indicator_id", "status", "grey", "kind"]], on="indicator_id")
    placed = verdicts.reindex(labels)
    words = targets.words
    kind = words["kind"]  # the target's: no rule changes it
    return words.drop(columns="kind").assign(
        status=placed["status"].to_numpy(), grey=placed["grey"].to_numpy(), kind=kind
    )


def budget_adjustments(
    con: duckdb.DuckDBPyConnection, year: int, month: int, project: str | None
) -> dict[int, list[dict]]:
    """Per project, its 预算调整 up to ``month`` in order, each with the budget in force before it."""
    rows = con.execute(
        """
        SELECT a.project_id, strftime(a.month, '%Y-%m') AS month,
               CAST(coalesce(lag(a.budget) OVER w, p.budget) AS DOUBLE) AS before,
               CAST(a.budget AS DOUBLE) AS budget, a.reason, a.approval
        FROM budget_adjustment a JOIN project p USING (project_id)
        WHERE a.replaced_by IS NULL AND p.year = ? AND a.month <= make_date(?, ?, 1) AND (? IS NULL OR p.name = ?)
        WINDOW w AS (PARTITION BY a.project_id ORDER BY a.month)
        ORDER BY a.project_id, a.month
        """,
        [year, year, month, project, project],
    ).fetchall()
    out: dict[int, list[dict]] = {}
    for pid, *values in rows:
        out.setdefault(pid, []).append(
            dict(zip(("month", "before", "budget", "reason", "approval"), values, strict=True))
        )
    return out


def adjustments_upto(adjustments: Mapping[int, list[dict]], year: int, month: int) -> dict[int, list[dict]]:
    """``budget_adjustments`` read up to a later month, cut at ``month``: the same as reading them up to it
    (each one's budget before it is the one before it, which a later adjustment does not change)."""
    last = f"{year}-{month:02d}"
    cut = {pid: [a for a in rows if a["month"] <= last] for pid, rows in adjustments.items()}
    return {pid: rows for pid, rows in cut.items() if rows}


def _project_lights(projects: pd.DataFrame, budget: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """Per project: its budget light and figures, and its light, the worst of the budget's and its indicators'."""
    projects = projects.merge(budget, on="project_id", how="left")
    projects["budget"] = projects["budget_in_force"].fillna(projects["budget"])  # the figure in force
    projects["budget_status"] = projects["budget_status"].fillna(str(GREY))
    counted = verdicts[(verdicts["kind"] != "not_applicable") & (verdicts["grey"] != str(Grey.NOT_DUE))]
    worst_indicator = counted["status"].map(SEVERITY).groupby(counted["project_id"]).min()
    severity = np.minimum(
        projects["budget_status"].map(SEVERITY).to_numpy(),
        projects["project_id"].map(worst_indicator).fillna(len(WORST_FIRST)).to_numpy(),
    )
    projects["status"] = [str(WORST_FIRST[int(k)]) for k in severity]
    return projects


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
                    "expected": rounded(i.expected),
                    "status": i.status,
                    "at_risk": i.at_risk,
                    "explanation": i.explanation_en if lang == "en" else i.explanation,
                }
            )
    return rows
