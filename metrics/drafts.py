"""The year-end 实际完成情况, drafted in plain Chinese from December's status (docs/domain.md §5, §10).

Each indicator of the self-evaluation gets a sentence such as "全年完成党校微课堂50期，达到年度目标（目标≥48期）"
or "参观人数10,800人次，同比下降92.3%（上年139,500人次），未达到年度目标".  The figures and the verdict are the
status report's own (``actual``, ``expected``, ``status`` and the rule's facts, as ``perfboard status --month
YYYY-12`` prints them): nothing is judged again here, and every number goes through ``core.numbers``.

A draft stays a draft (草稿) until a staff member confirms or edits it (``ingest.summaries``); the confirmed
text lives in ``indicator_summary``.  The project's 年度总体目标实际完成情况 is drafted from its indicators'
texts when staff have written none (``project_summary``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from core.config import Config
from core.numbers import duration, num, pct, share, with_unit
from metrics.status import IndicatorStatus, ProjectStatus, compute_status

DRAFT_MARK = "【草稿】"
YEAR_END = 12
ACHIEVED = ("green", "blue")  # at the final month a light means achieved (docs/rules.md)
VERDICT = {"green": "达到年度目标", "blue": "达到年度目标", "yellow": "未达到年度目标", "red": "未达到年度目标"}
RATING_VERDICT = VERDICT | {"yellow": "部分达到年度目标"}
NO_DATA = "全年无实际数据，无法判断是否达到年度目标"
SHORT_TARGET = 16  # a longer target (a sentence of the table) is not repeated in the draft


def verdict(i: IndicatorStatus) -> str:
    """达到 / 未达到 / 部分达到年度目标, from the December light."""
    words = RATING_VERDICT if i.rule == "rating" else VERDICT
    return words.get(str(i.status), "无法判断是否达到年度目标")


def _goal(i: IndicatorStatus) -> str:
    """ "（目标≥48期）" / "（目标：同比提高）"; nothing for a long target the form prints beside it anyway."""
    target = (i.target or "").strip()
    if not target or len(target) > SHORT_TARGET:
        return ""
    pretty = target.replace(">=", "≥").replace("<=", "≤").replace("＞=", "≥").replace("＜=", "≤")
    pretty = pretty.removeprefix("=").removeprefix("＝")
    numeric = pretty[:1] in "≥≤<>＜＞0123456789"
    return f"（目标{pretty}）" if numeric else f"（目标：{pretty}）"


def _change(actual: float, base: float) -> str:
    """ "增长6.7%" / "下降92.3%" from the status report's actual and its base."""
    if not base:
        return ""
    change = (float(actual) - float(base)) / float(base) * 100
    return f"{'增长' if change >= 0 else '下降'}{pct(abs(change))}"


def _fact(i: IndicatorStatus, key: str):
    value = i.judgement.facts.get(key)
    return None if value is None or value != value else value


def draft_indicator(i: IndicatorStatus) -> str:
    """One indicator's 实际完成情况 in a sentence, from its December judgement."""
    a, e, rule, name, unit = i.actual, i.expected, str(i.rule), i.name, i.unit
    if str(i.status) == "grey" or a is None:
        return f"{name}{NO_DATA}"
    said = verdict(i)
    goal = _goal(i)
    if isinstance(a, str):  # a rating
        return f"{name}评定为“{a}”，{said}{goal}"
    if rule in ("budget_execution_rate", "budget_funds_rate") or rule.startswith("hotline_"):
        return f"{name}{pct(a)}，{said}{goal}"
    if rule == "budget_timeliness":
        return f"{name}：全年预算执行率{pct(a)}（时间进度{pct(e)}），{said}"
    if rule == "visitors_yoy":
        return f"参观人数{num(a)}人次，同比{_change(a, e)}（上年{num(e)}人次），{said}"
    if rule == "opinion_daily_hours":
        days, short = _fact(i, "days"), _fact(i, "days_under") or 0
        floor = _target_duration(i)
        gaps = f"{num(short)}天不足{floor}" if short else f"每天均不少于{floor}"
        return f"全年监控{num(days)}天，每日最少{duration(a)}，{gaps}，{said}"
    if rule == "opinion_report_within":
        events, within = _fact(i, "events"), _fact(i, "within_limit")
        limit = _target_duration(i)
        return f"全年舆情{num(events)}起，{num(within)}起在{limit}内上报，最长{duration(a)}，{said}"
    if rule == "deliverable_count":
        return f"全年完成{name}{with_unit(a, unit)}，{said}{goal}"
    if rule == "value_vs_baseline":
        return f"{name}为{with_unit(a, unit)}，较基期{with_unit(e, unit)}{_change(a, e)}，{said}{goal}"
    if rule == "value_vs_reference":
        return f"{name}为{with_unit(a, unit)}，参考值{with_unit(e, unit)}，{said}{goal}"
    if i.kind == "zero_events":
        return f"{name}：全年发生{num(a)}起，{said}{goal}"
    if rule == "value_sum":
        return f"{name}全年累计{with_unit(a, unit)}，{said}{goal}"
    return f"{name}为{with_unit(a, unit)}，{said}{goal}"


def _target_duration(i: IndicatorStatus) -> str:
    """The hours a duration target names (``1小时内``), else the expected hours the rule judged against."""
    return duration(i.target_value if i.target_value is not None else i.expected)


def on_form(i: IndicatorStatus) -> bool:
    """The indicators the self-evaluation scores and prints (not the plan's own, not the inapplicable)."""
    return i.origin != "plan" and i.kind != "not_applicable"


def draft_summary(p: ProjectStatus, texts: list[tuple[IndicatorStatus, str]]) -> str:
    """年度总体目标实际完成情况 from the budget and the indicators' texts: the misses said in full."""
    rate = f"全年预算执行率{share(p.execution_rate)}" if p.execution_rate is not None else "全年预算未填报执行数"
    met = sum(1 for i, _ in texts if str(i.status) in ACHIEVED)
    missed = [text for i, text in texts if str(i.status) not in ACHIEVED]
    said = f"{rate}；{len(texts)}项绩效指标中{met}项达到年度目标"
    if missed:
        said += f"，{len(missed)}项未完全达到：" + "；".join(t.rstrip("。") for t in missed)
    return said + "。"


@dataclass(frozen=True)
class IndicatorText:
    """One indicator's 实际完成情况: the draft, and the text confirmed by staff (None while it is a draft)."""

    indicator_id: int
    project_id: int
    project: str
    level1: str
    level2: str
    name: str
    target: str
    status: str
    draft: str
    confirmed: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.confirmed is None

    @property
    def text(self) -> str:
        return self.draft if self.confirmed is None else self.confirmed


@dataclass(frozen=True)
class ProjectTexts:
    """A project's year-end texts: its indicators' and its 年度总体目标实际完成情况 (written or drafted)."""

    project_id: int
    name: str
    summary_draft: str
    summary_written: str | None
    indicators: list[IndicatorText] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return self.summary_written or self.summary_draft

    @property
    def summary_is_draft(self) -> bool:
        return not self.summary_written

    def pending(self) -> list[str]:
        """What still is a draft: the indicators' names, and 年度总体目标 when its text is drafted."""
        out = [i.name for i in self.indicators if i.is_draft]
        return out + (["年度总体目标"] if self.summary_is_draft else [])


def confirmed_texts(con: duckdb.DuckDBPyConnection, year: int) -> dict[int, str]:
    """The current confirmed 实际完成情况 per indicator of ``year``."""
    rows = con.execute(
        "SELECT indicator_id, text FROM indicator_summary WHERE year = ? AND replaced_by IS NULL", [year]
    ).fetchall()
    return dict(rows)


def written_summaries(con: duckdb.DuckDBPyConnection, year: int, month: int = YEAR_END) -> dict[int, str]:
    """The latest 年度总体目标实际完成情况 staff wrote per project, up to ``month``."""
    rows = con.execute(
        "SELECT project_id, arg_max(summary, month) FROM project_summary WHERE replaced_by IS NULL "
        "AND month BETWEEN make_date(?, 1, 1) AND make_date(?, ?, 1) GROUP BY project_id",
        [year, year, month],
    ).fetchall()
    return dict(rows)


def project_texts(p: ProjectStatus, confirmed: dict[int, str], written: dict[int, str]) -> ProjectTexts:
    """The year-end texts of one project of a December status report."""
    shown = [i for i in p.indicators if on_form(i)]
    items = [
        IndicatorText(
            i.indicator_id,
            p.project_id,
            p.name,
            i.level1,
            i.level2,
            i.name,
            i.target,
            str(i.status),
            draft_indicator(i),
            confirmed.get(i.indicator_id),
        )
        for i in shown
    ]
    summary = draft_summary(p, [(i, item.text) for i, item in zip(shown, items, strict=True)])
    return ProjectTexts(p.project_id, p.name, summary, written.get(p.project_id) or None, items)


def year_end_texts(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, project: str | None = None
) -> list[ProjectTexts]:
    """Every project's year-end texts (drafts and confirmed), from the status as of December of ``year``."""
    report = compute_status(con, config, year, YEAR_END, project)
    confirmed, written = confirmed_texts(con, year), written_summaries(con, year)
    return [project_texts(p, confirmed, written) for p in report.projects]
