"""The content of the two forms, computed from the same status engine as the lights.

- ``self_evaluations``: 项目支出绩效自评表 per project (docs/domain.md §5), scored.
- ``monitoring_forms``: 项目支出绩效目标执行监控表 for months 1–N (docs/domain.md §6).

Writers in ``exports/`` lay these out as XLSX and PDF; nothing here knows about files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

import duckdb

from core.config import Config, Scoring, SharePolicy
from metrics import scoring
from metrics.drafts import DRAFT_MARK, ProjectTexts, confirmed_texts, project_texts, written_summaries
from metrics.entered_texts import budget_texts, indicator_texts
from metrics.ratings import LIKELIHOOD_ZH, RATING_ZH, Rating
from metrics.rules import between
from metrics.status import PLAN_LEVEL1, IndicatorStatus, ProjectStatus, compute_status, missing_notice
from metrics.summary_check import figures, typed_mismatches

MISSING_MARK = "【待补充】"


@dataclass
class FormIndicator:
    level1: str  # the form's label: 产出指标 / 效益指标 / 满意度指标
    level2: str
    level3: str
    target: str  # 年度指标值, verbatim
    actual: str  # 实际完成值 (or 1–N月执行情况)
    weight: float  # 分值
    score: float  # 得分
    deviation: str  # 偏差原因分析及改进措施
    status: str
    needs_explanation: bool = False
    projection: str = ""  # 全年预计完成情况 (monitoring)
    likelihood: str = ""  # 完成目标可能性 (monitoring)
    note: str = ""
    completion: str = ""  # 实际完成情况 in words (self-evaluation): confirmed by staff, or drafted
    drafted: bool = False  # the completion is a draft (草稿) nobody has confirmed yet


@dataclass
class ProjectForm:
    year: int
    months: int  # 12 for the self-evaluation, N for monitoring
    name: str
    unit: str
    supervisor: str
    budget_start: float  # 年初预算数
    budget_full: float  # 全年预算数: the budget in force at the form's month (after 预算调整)
    executed: float  # 全年执行数 / 1–N月执行数
    execution_rate: float
    budget_weight: float
    budget_score: float
    projected: float = 0.0  # 全年预计执行数 (monitoring): the staff's forecast, else the run rate
    projected_by_staff: bool = False
    fiscal_start: float | None = None  # 其中：当年财政拨款 as filed (None: not split, all of it)
    other_start: float | None = None  # 其他资金 as filed
    adjustments: list[dict] = field(default_factory=list)  # 预算调整 up to the month
    budget_status: str = ""  # the budget light (monitoring)
    budget_explanation: str = ""
    budget_reason: str = ""  # the staff's 偏差原因；纠偏措施 for the spending (monitoring)
    goals: str = ""  # 预期目标
    summary: str = ""  # 实际完成情况
    summary_drafted: bool = False  # the summary is drafted from the indicators (草稿), staff wrote none
    indicators: list[FormIndicator] = field(default_factory=list)
    total_weight: float = 100.0
    total_score: float = 0.0
    grade: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # 备注 under the table: the plan's own targets (计划内目标)
    missing: list[str] = field(default_factory=list)  # the cells a 不完整 target table left empty

    def as_dict(self) -> dict:
        return asdict(self)


def _shown(i: IndicatorStatus) -> str:
    if i.actual is None:
        return MISSING_MARK + "无实际数据"
    if isinstance(i.actual, str):
        return i.actual
    value = f"{i.actual:,.2f}".rstrip("0").rstrip(".")
    if i.rule == "visitors_yoy" and i.expected:
        return f"参观{value}人次（上年同期{i.expected:,.0f}）"
    if i.rule == "opinion_report_within":
        return f"最长{i.actual * 60:.0f}分钟"
    if i.rule == "budget_timeliness":
        return f"执行率{value}%（时间进度{i.expected:.0f}%）"
    if i.rule == "opinion_daily_hours":
        return f"每日最少{value}小时"
    return f"{value}{i.unit or ''}"


# Rules met day by day or event by event: (facts of all, facts of those that complied)
SHARE_FACTS = {"opinion_daily_hours": ("days", "days_under"), "opinion_report_within": ("events", "within_limit")}


def compliant_share(i: IndicatorStatus) -> float | None:
    """The share of days or events that complied (363 of 366 days → 0.9918…); None for other rules."""
    if i.rule not in SHARE_FACTS:
        return None
    all_key, key = SHARE_FACTS[i.rule]
    facts = i.judgement.facts
    total = facts.get(all_key)
    if total is None or total != total or not total:
        return None
    counted = facts.get(key)
    counted = 0 if counted is None or counted != counted else counted
    ok = total - counted if i.rule == "opinion_daily_hours" else counted  # days_under counts the misses
    return float(ok) / float(total)


def indicator_points(i: IndicatorStatus, weight: float, cfg: Scoring) -> float:
    """得分 of one indicator by its kind (the status engine supplies actual and target).

    Share-based indicators score by ``scoring.share_policy``: the worst case (the rules below, by
    the worst day or event) or weight × the share of days or events that complied.
    """
    if i.status == "grey" or i.actual is None:
        return 0.0
    share = compliant_share(i)
    if share is not None and cfg.share_policy == SharePolicy.SHARE:
        return weight * share
    if isinstance(i.actual, str):  # a rating
        rating = {v: k for k, v in RATING_ZH.items()}[i.actual]
        return scoring.band(rating, weight, cfg)
    kind, actual = i.kind, float(i.actual)
    if kind == "qualitative":  # judged by a stream (e.g. 及时 by the budget light): its light gives the band
        return scoring.band(
            {"green": Rating.ACHIEVED, "blue": Rating.ACHIEVED, "yellow": Rating.PARTIAL}.get(i.status, Rating.MISSED),
            weight,
            cfg,
        )
    if kind == "zero_events":
        return scoring.zero_events(actual, weight)
    if kind == "between":  # a range: full inside, as at least / at most outside (metrics/rules/between.py)
        return between.points(actual, i.target, weight)
    if kind == "at_most":
        return scoring.at_most(actual, i.target_value if i.target_value is not None else float(i.expected), weight)
    reference = i.target_value if kind in ("at_least", "equal") else i.expected
    if reference is None:
        return 0.0
    if kind in ("increase", "above_reference") and actual > reference:
        return weight
    if kind in ("increase", "above_reference"):
        return weight * max(actual, 0) / reference if reference > 0 else 0.0
    return scoring.at_least(actual, float(reference), weight)


def _over_achieved(i: IndicatorStatus, cfg: Scoring) -> bool:
    if not isinstance(i.actual, (int, float)) or i.kind not in ("at_least", "equal") or not i.target_value:
        return False
    return float(i.actual) >= cfg.over_achievement * i.target_value


def _deviation(texts: dict | None) -> str:
    if not texts:
        return ""
    parts = [t for t in (texts.get("reason"), texts.get("measures")) if t]
    return "；".join(parts)


def _project_rows(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, dict]:
    cur = con.execute(
        "SELECT project_id, name, unit, CAST(budget AS DOUBLE) AS budget, CAST(budget_fiscal AS DOUBLE) AS budget_fiscal, "
        "CAST(budget_other AS DOUBLE) AS budget_other, goals, department, implementing_unit, missing "
        "FROM project WHERE year = ?",
        [year],
    )
    cols = [d[0] for d in cur.description]
    return {r[1]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}


def _levels(con: duckdb.DuckDBPyConnection, year: int) -> dict[int, tuple[str, float | None, str, float | None]]:
    """Per indicator: its form level, its own 分值, its table's 一级 word and the 分值 that word prints."""
    rows = con.execute(
        "SELECT i.indicator_id, i.form_level1, i.weight, i.level1, i.level_weight "
        "FROM indicator i JOIN project p USING (project_id) WHERE p.year = ?",
        [year],
    ).fetchall()
    return {iid: (lvl, w, l1, lw) for iid, lvl, w, l1, lw in rows}


def printed_level_weights(indicators: list[tuple[str, str, float | None]], scoring_cfg: Scoring) -> Scoring:
    """A table whose 一级 labels print their points ("产出指标（50分）") weighs its levels so; the others keep
    ``scoring.level_weights`` (docs/domain.md §5).  ``indicators``: (form level, 一级 word, printed 分值)."""
    printed: dict[str, dict[str, float]] = {}
    for level, word, points in indicators:
        if points is not None:
            printed.setdefault(level, {})[word] = points
    if not printed:
        return scoring_cfg
    weights = dict(scoring_cfg.level_weights) | {lvl: sum(by_word.values()) for lvl, by_word in printed.items()}
    return replace(scoring_cfg, level_weights=weights)


def self_evaluations(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, project: str | None = None
) -> list[ProjectForm]:
    """The scored self-evaluation form of each project of ``year`` (from the data as of December)."""
    return _forms(con, config, year, 12, project, scored=True)


def monitoring_forms(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, month: int, project: str | None = None
) -> list[ProjectForm]:
    """The monitoring form for months 1–``month`` of each project of ``year``."""
    return _forms(con, config, year, month, project, scored=False)


def _forms(con, config: Config, year: int, month: int, project: str | None, scored: bool) -> list[ProjectForm]:
    report = compute_status(con, config, year, month, project)
    facts = _project_rows(con, year)
    levels = _levels(con, year)
    texts = indicator_texts(con, year, month)
    summaries = written_summaries(con, year, month)
    budgets = budget_texts(con, year, month)
    confirmed = confirmed_texts(con, year) if scored else {}
    forms = []
    for p in report.projects:
        given = budgets.get(p.project_id, {})
        budget_reason = "；".join(t for t in (given.get("reason"), given.get("measures")) if t)
        year_end = project_texts(p, confirmed, summaries) if scored else None
        form = _form(p, facts[p.name], levels, texts, budget_reason, year_end, config, year, month, scored)
        if given.get("forecast") is not None and not scored:
            form.projected, form.projected_by_staff = given["forecast"], True
        form.budget_reason = budget_reason
        if not scored and not form.budget_reason and form.budget_status in ("yellow", "red"):
            form.warnings.append("预算执行：缺少偏差原因和纠偏措施")
        forms.append(form)
    return forms


def _form(
    p: ProjectStatus,
    fact: dict,
    levels: dict,
    texts: dict,
    budget_reason: str,
    year_end: ProjectTexts | None,
    config: Config,
    year: int,
    month: int,
    scored: bool,
) -> ProjectForm:
    table = [i for i in p.indicators if i.origin != "plan"]
    sc = printed_level_weights(
        [(levels[i.indicator_id][0], *levels[i.indicator_id][2:]) for i in table], config.scoring
    )
    budget = p.budget or 0.0  # in force at the month: the 全年预算数 after any 预算调整
    executed = p.executed_to_date or 0.0
    rate, budget_score = scoring.execution(executed, budget, sc.budget_weight)
    weights, problems = scoring.distribute(
        [
            scoring.Weighted(
                i.indicator_id, levels[i.indicator_id][0], levels[i.indicator_id][1], i.kind != "not_applicable"
            )
            for i in table
        ],
        sc,
    )
    form = ProjectForm(
        year,
        month,
        p.name,
        fact.get("implementing_unit") or fact["unit"] or MISSING_MARK,
        fact.get("department") or config.forms.supervisor,
        p.budget_initial if p.budget_initial is not None else budget,
        budget,
        executed,
        rate if scored else (executed / budget if budget else 0.0),
        sc.budget_weight,
        budget_score,
        projected=min(budget, executed / month * 12) if month else 0.0,
        fiscal_start=fact.get("budget_fiscal"),
        other_start=fact.get("budget_other"),
        adjustments=[dict(a) for a in p.adjustments],
        budget_status=str(p.budget_status),
        budget_explanation=p.budget_explanation,
        goals=fact["goals"] or "",
        summary=year_end.summary if year_end else "",
        summary_drafted=bool(year_end and year_end.summary_is_draft),
        warnings=list(problems),
        missing=json.loads(fact["missing"]) if fact.get("missing") else [],
    )
    if form.missing:
        form.warnings.append(missing_notice(form.missing))
    form.notes = [note for note in [budget_note(form)] if note]
    form.notes += [_revision_note(i) for i in p.indicators if i.revised]
    form.notes += [_plan_note(i) for i in p.indicators if i.origin == "plan"]
    if scored and budget_reason and rate < 1:  # the 项目资金 block has no column for it: said under the form
        form.notes.append(f"预算执行偏差原因分析及改进措施：{budget_reason}")
    completions = {t.indicator_id: t for t in year_end.indicators} if year_end else {}
    for i in p.indicators if not scored else table:
        if i.kind == "not_applicable":
            continue
        if i.origin == "plan":
            form.indicators.append(_plan_row(i))
            continue
        weight = scoring.money2(weights[i.indicator_id])
        score = scoring.money2(indicator_points(i, weights[i.indicator_id], sc)) if scored else 0.0
        text = texts.get(i.indicator_id)
        deviation = _deviation(text)
        if not deviation and str(i.rule).startswith("budget_"):  # judged on the spending: the budget's reasons
            deviation = budget_reason
        over = scored and _over_achieved(i, sc)
        needs = scored and (over or score < weight)
        if scored and not needs:
            deviation = ""  # full marks: a reason written for a month that lagged says nothing of the year
        if needs and not deviation:
            deviation = MISSING_MARK + (
                f"超额完成{sc.over_achievement * 100:g}%以上，须说明目标是否偏低"
                if over
                else "未达成年度指标，须分析偏差原因"
            )
            form.warnings.append(f"{i.name}：缺少偏差原因分析及改进措施")
        likelihood = LIKELIHOOD_ZH.get((text or {}).get("likelihood") or "", "")
        if not scored and not likelihood:
            likelihood = "有可能" if i.at_risk else "确定能"
        if not scored and likelihood in ("有可能", "不可能") and not deviation:
            deviation = MISSING_MARK + "完成目标可能性为" + likelihood + "，须填写偏差原因和纠偏措施"
            form.warnings.append(f"{i.name}：缺少偏差原因和纠偏措施")
        form.indicators.append(
            FormIndicator(
                levels[i.indicator_id][0] or MISSING_MARK,
                i.level2 or MISSING_MARK,
                MISSING_MARK if i.name.startswith(MISSING_MARK) else i.name,
                i.target or MISSING_MARK,
                _shown(i),
                weight,
                score,
                deviation,
                i.status,
                needs,
                projection=_projection(i),
                likelihood=likelihood,
                note=(text or {}).get("note") or "",
                completion=completions[i.indicator_id].text if i.indicator_id in completions else "",
                drafted=i.indicator_id in completions and completions[i.indicator_id].is_draft,
            )
        )
    if scored:
        drafts = sum(1 for ind in form.indicators if ind.drafted) + form.summary_drafted
        if drafts:
            form.warnings.append(f"实际完成情况有{drafts}处为草稿，待填报人员确认或修改")
        if not form.summary_drafted:
            form.warnings += typed_mismatches(form.summary, figures(p))
    form.total_weight = scoring.money2(sc.budget_weight + sum(i.weight for i in form.indicators))
    form.total_score = scoring.money2(budget_score + sum(i.score for i in form.indicators))
    form.grade = scoring.grade(form.total_score, sc) if scored else ""
    return form


def _revision_note(i: IndicatorStatus) -> str:
    """绩效目标调整: the form prints the target in force; the original and the reason go in the notes."""
    facts = i.judgement.facts
    month = facts.get("revised_month")
    when = f"{int(month)}月起" if month is not None and month == month else ""
    why = facts.get("revision_reason") or ""
    return (
        f"绩效目标调整：{i.name}由“{i.target_original}”调整为“{i.target}”（{'，'.join(t for t in (when, why) if t)}）"
    )


def _plan_note(i: IndicatorStatus) -> str:
    """计划内目标 in the self-evaluation's notes: the target, and what the year's data say of it."""
    return f"计划内目标（不计分）：{i.name}，目标{i.target}。{i.explanation}"


def _plan_row(i: IndicatorStatus) -> FormIndicator:
    """A 计划内目标 on the monitoring form: shown with its light and explanation, no points."""
    missed = [pair for pair in (i.judgement.facts.get("missed") or "").split(",") if pair]
    if i.status == "grey" or i.actual is None:
        shown = _shown(i)
    elif i.judgement.facts.get("months_judged") is not None:  # a target each month must meet
        shown = f"{len(missed)}个月未达标，最低{_shown(i)}" if missed else f"各月均达标（最低{_shown(i)}）"
    else:
        shown = _shown(i)
    return FormIndicator(
        PLAN_LEVEL1,
        i.level2,
        i.name,
        i.target,
        shown,
        0.0,
        0.0,
        i.explanation if i.status not in ("green", "blue") else "",
        i.status,
        projection=_projection(i),
        likelihood="有可能" if i.at_risk else "确定能",
        note="计划内目标，不计分",
    )


@dataclass(frozen=True)
class FundRow:
    """One row of the form's 项目资金 block; None prints as —."""

    label: str
    start: float | None
    full: float | None
    executed: float | None
    total: bool = False


def fund_rows(form: ProjectForm) -> list[FundRow]:
    """年度资金总额 and its parts, as both writers print them (docs/domain.md §5, §8).

    Without a split the whole budget is 当年财政拨款. An adjustment (预算调整) changes the total; how it
    falls on the parts is not known, so their 全年预算数 prints — rather than a guess.
    """
    adjusted = form.budget_full != form.budget_start
    other = form.other_start or 0.0
    fiscal = form.fiscal_start if form.fiscal_start is not None else form.budget_start - other
    return [
        FundRow("年度资金总额", form.budget_start, form.budget_full, form.executed, True),
        FundRow(
            "其中：当年财政拨款",
            fiscal,
            None if adjusted and other else (form.budget_full - other),
            None if other else form.executed,
        ),
        FundRow("上年结转资金", None, None, None),
        FundRow("其他资金", form.other_start, None if adjusted else form.other_start, None),
    ]


BUDGET_LIGHT_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "blue": "蓝灯", "grey": "未填报"}


def projected_head(form: ProjectForm) -> str:
    """全年预计执行数, saying whose figure it is: the unit's own forecast or the run rate."""
    return "全年预计执行数（单位预计）" if form.projected_by_staff else "全年预计执行数（按当前进度）"


def budget_light_text(form: ProjectForm) -> str:
    """The budget light on the monitoring form: its colour and why, and the staff's reasons and measures."""
    light = f"{BUDGET_LIGHT_ZH.get(form.budget_status, form.budget_status)}：{form.budget_explanation}"
    if form.budget_reason:
        return f"{light}。偏差原因及纠偏措施：{form.budget_reason}"
    if form.budget_status in ("yellow", "red"):
        return f"{light}。偏差原因及纠偏措施：{MISSING_MARK}"
    return light


def budget_note(form: ProjectForm) -> str:
    """预算调整 in words, for the note under the form: 2020年7月 3,890,000.00 → 3,500,000.00 元（原因，文号）."""
    parts = []
    for a in form.adjustments:
        year, month = a["month"].split("-")
        why = "，".join(t for t in (a.get("reason"), a.get("approval")) if t)
        parts.append(f"{year}年{int(month)}月预算由{a['before']:,.2f}元调整为{a['budget']:,.2f}元（{why}）")
    return "预算调整：" + "；".join(parts) if parts else ""


RATING_OUTLOOK = {"确定能": "预计达成", "有可能": "存在不能达成的风险", "不可能": "预计无法达成"}


def _projection(i: IndicatorStatus) -> str:
    if i.projection is None:
        return "—"
    if isinstance(i.projection, str):
        return RATING_OUTLOOK.get(i.projection, i.projection)
    risk = "（有完不成风险）" if i.at_risk else ""
    if i.rule == "visitors_yoy":
        return f"预计同比{i.projection:+.1%}{risk}"
    if i.rule == "opinion_report_within":
        return f"最长{i.projection * 60:.0f}分钟{risk}"
    value = f"{i.projection:,.2f}".rstrip("0").rstrip(".")
    return f"预计{value}{i.unit or ''}{risk}"


def completion_cell(ind: FormIndicator) -> str:
    """The self-evaluation's 实际完成值 cell: the figure, then the 实际完成情况 in words (【草稿】 while unconfirmed)."""
    if not ind.completion:
        return ind.actual
    return f"{ind.actual}\n{DRAFT_MARK if ind.drafted else ''}{ind.completion}"


def summary_cell(form: ProjectForm) -> str:
    """年度总体目标 实际完成情况: as staff wrote it, or drafted and marked 【草稿】."""
    return f"{DRAFT_MARK}{form.summary}" if form.summary_drafted else form.summary


def pending_drafts(forms: list[ProjectForm]) -> list[tuple[str, str]]:
    """(project, indicator or 年度总体目标) of every 实际完成情况 still a draft: a frozen form may hold none."""
    out = []
    for form in forms:
        out += [(form.name, ind.level3) for ind in form.indicators if ind.drafted]
        if form.summary_drafted:
            out.append((form.name, "年度总体目标"))
    return out
