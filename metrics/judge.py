"""Judge one indicator as of a month: its actual and expected to date, light, explanation and projection.

One function per binding rule (``metrics.rules``); each reads the measures to date
(``metrics.measures``) and applies a light rule (``metrics.lights``).  Explanations are one
line a leader can read, in Chinese and English, with the numbers and the rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from metrics import lights
from metrics.lights import BLUE, GREEN, GREY, RED, YELLOW

ZH_LIGHT = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", BLUE: "蓝灯", GREY: "灰色"}
RATING_ZH = {"achieved": "达成", "partial": "部分达成", "missed": "未达成"}
RATING_EN = {"achieved": "achieved", "partial": "partly achieved", "missed": "not achieved"}
LIKELIHOOD_ZH = {"certain": "确定能", "possible": "有可能", "impossible": "不可能"}


@dataclass
class Indicator:
    """What judging needs to know of an indicator and its binding."""

    indicator_id: int
    project_id: int
    name: str
    target: str
    kind: str
    operator: str | None
    value: float | None
    unit: str | None
    rule: str
    item: str | None = None
    plan: dict[int, float] | None = None
    params: dict = field(default_factory=dict)


@dataclass
class Judgement:
    actual: float | str | None
    expected: float | None
    status: str
    explanation: str
    explanation_en: str
    projection: float | str | None = None
    at_risk: bool = False
    missing: list[int] = field(default_factory=list)
    not_due: bool = False  # nothing was due yet: shown grey, left out of the project's light


@dataclass
class Context:
    """The as-of month and everything measured to date, keyed for lookup."""

    year: int
    month: int
    cfg: dict  # the whole configuration
    budget: dict  # project_id → budget_to_date row
    budget_light: dict  # project_id → (status, zh, en)
    hotline: dict
    events: dict
    hours: dict
    visitors: dict
    deliverables: dict  # (project_id, item) → row; (project_id, None) → months reported
    values: dict  # indicator_id → values_to_date row
    references: dict

    @property
    def time_progress(self) -> float:
        return self.month / 12

    def due_months(self, ind: Indicator) -> list[int]:
        """When values and ratings are due: the binding's ``due`` months, else the configured ones."""
        return list(ind.params.get("due") or self.cfg["due"]["value_months"])

    def due_value_month(self, ind: Indicator) -> int | None:
        """The latest month by now in which the indicator's value or rating was due."""
        due = [m for m in self.due_months(ind) if m <= self.month]
        return max(due) if due else None


# -- formatting ---------------------------------------------------------------------------------
def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def with_unit(unit: str | None, digits: int = 2):
    """A formatter for values of this unit: 26 → "26期", 81 → "81分"."""

    def shown(v: float) -> str:
        return f"{num(round(v, digits))}{unit or ''}"

    return shown


def duration(hours: float) -> str:
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes}分钟"
    return f"{minutes // 60}小时" + (f"{minutes % 60}分" if minutes % 60 else "")


def _month_day(iso: str) -> str:
    _, m, d = iso[:10].split("-")
    return f"{int(m)}月{int(d)}日"


def months_zh(months: list[int]) -> str:
    return "、".join(f"{m}月" for m in months)


def _missing(reported, month: int) -> list[int]:
    """The months 1…month absent from ``reported`` (a list, or None when nothing was reported)."""
    if reported is None:
        return list(range(1, month + 1))
    if len(reported) >= month and reported[month - 1] == month:  # sorted 1…month, the usual case
        return []
    have = set(reported)
    return [m for m in range(1, month + 1) if m not in have]


def grey_missing(missing: list[int], ctx: Context, what: str = "数据", what_en: str = "data") -> Judgement:
    return Judgement(
        None,
        None,
        GREY,
        f"{months_zh(missing)}{what}未填报，无法判断",
        f"no {what_en} for {', '.join(f'{ctx.year}-{m:02d}' for m in missing)}: not judged",
        missing=missing,
    )


def expected_to_date(ind: Indicator, target: float, month: int) -> float:
    """T × m/12, or the phased plan interpolated between its months (from 0 at the start, to T at month 12)."""
    if not ind.plan:
        return target * month / 12
    points = [(0, 0.0), *sorted(ind.plan.items())]
    if points[-1][0] < 12:
        points.append((12, target))
    for (m0, v0), (m1, v1) in zip(points, points[1:], strict=False):
        if m0 <= month <= m1:
            return v0 + (v1 - v0) * (month - m0) / (m1 - m0)
    return points[-1][1]


def _accumulating(
    ind: Indicator, actual: float, target: float, ctx: Context, shown, label: str, label_en: str
) -> Judgement:
    """Accumulating indicators: actual to date against expected to date; projection to the year end."""
    expected = expected_to_date(ind, target, ctx.month)
    status, x = lights.accumulating(actual, expected, ctx.cfg["lights"])
    basis = "计划" if ind.plan else "按时间进度"
    basis_en = "the plan" if ind.plan else "time progress"
    ratio = f"（{x:.0f}%）" if x is not None else ""
    rule = {
        RED: "低于60%为红灯",
        YELLOW: "60%–80%为黄灯",
        GREEN: "80%–120%为绿灯",
        BLUE: "≥120%为蓝灯（超前或目标偏低）",
    }[status]
    rule_en = {
        RED: "red below 60%",
        YELLOW: "yellow from 60%",
        GREEN: "green from 80%",
        BLUE: "blue from 120% (well ahead)",
    }[status]
    if ind.plan and ctx.month < 12:
        projection = actual + max(0.0, expected_to_date(ind, target, 12) - expected)
    else:
        projection = actual * 12 / ctx.month
    at_risk = projection < target
    risk = "；按当前进度全年预计" + shown(projection) + ("，有完不成风险" if at_risk else "") if ctx.month < 12 else ""
    return Judgement(
        actual,
        expected,
        status,
        f"截至{ctx.month}月{label}{shown(actual)}，{basis}应达{shown(expected)}{ratio}，{rule}{risk}",
        f"{label_en} {shown(actual)} by {ctx.year}-{ctx.month:02d} against {shown(expected)} expected by {basis_en}"
        f"{f' ({x:.0f}%)' if x is not None else ''}; {rule_en}",
        projection=projection,
        at_risk=at_risk,
    )


# -- rules ----------------------------------------------------------------------------------------
def judge_budget_rate(ind: Indicator, ctx: Context, column: str, label: str, label_en: str) -> Judgement:
    row = ctx.budget.get(ind.project_id)
    missing = _missing(row["months_reported"] if row else None, ctx.month)
    if missing:
        return grey_missing(missing, ctx, "预算执行", "budget")
    target = ind.value if ind.value is not None else 100.0
    return _accumulating(ind, row[column] * 100, target, ctx, lambda v: f"{v:.1f}%", label, label_en)


def judge_budget_timeliness(ind: Indicator, ctx: Context) -> Judgement:
    status, zh, en = ctx.budget_light[ind.project_id]
    row = ctx.budget.get(ind.project_id)
    if status == GREY:
        return Judgement(None, None, status, zh, en)
    return Judgement(
        round(row["execution_rate"] * 100, 2),
        round(ctx.time_progress * 100, 2),
        status,
        zh,
        en,
        at_risk=status in (RED, YELLOW),
    )


def judge_hotline(ind: Indicator, ctx: Context, column: str, count: str, label: str, label_en: str) -> Judgement:
    row = ctx.hotline.get(ind.project_id)
    missing = _missing(row["months_reported"] if row else None, ctx.month)
    if missing:
        return grey_missing(missing, ctx, "12345工单", "hotline")
    actual = row[column] * 100
    target = ind.value if ind.value is not None else 100.0
    status = lights.rate(actual, target, ctx.cfg["lights"])
    rule = {
        GREEN: "达到目标为绿灯",
        YELLOW: f"差距小于{ctx.cfg['lights']['rate_yellow_band_points']}个百分点为黄灯",
        RED: "低于目标为红灯",
    }[status]
    return Judgement(
        round(actual, 2),
        target,
        status,
        f"截至{ctx.month}月{label}{actual:.1f}%（{int(row[count])}/{int(row['received'])}），目标{ind.target}，{rule}",
        f"{label_en} {actual:.1f}% ({int(row[count])} of {int(row['received'])}) by {ctx.year}-{ctx.month:02d}, "
        f"target {ind.target}: {status}",
        projection=round(actual, 2),
        at_risk=actual < target,
    )


def judge_daily_hours(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.hours.get(ind.project_id)
    missing = _missing(row["months_reported"] if row else None, ctx.month)
    if missing:
        return grey_missing(missing, ctx, "舆情监控时长", "monitoring hours")
    minimum = ind.value or ctx.cfg["opinion"]["daily_hours_minimum"]
    under = int(row["days_under"])
    status = lights.short_days(under, ctx.cfg["lights"])
    first = f"（如{_month_day(row['first_short_day'])}）" if under else ""
    return Judgement(
        float(row["min_hours"]),
        float(minimum),
        status,
        f"截至{ctx.month}月监控{int(row['days'])}天，最短{num(row['min_hours'])}小时，{under}天不足{num(minimum)}小时{first}，"
        + {
            GREEN: "每天达标为绿灯",
            YELLOW: f"不超过{ctx.cfg['lights']['short_days_yellow_max']}天为黄灯",
            RED: "不足天数过多为红灯",
        }[status],
        f"{int(row['days'])} days monitored by {ctx.year}-{ctx.month:02d}, shortest {num(row['min_hours'])} h, "
        f"{under} day(s) under {num(minimum)} h: {status}",
        at_risk=under > 0,
    )


def judge_report_within(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.events.get(ind.project_id)
    limit = ind.value if ind.value is not None else ctx.cfg["opinion"]["report_limit_hours"]
    if not row:
        # no events is only news when the monitoring itself was reported for every month
        hours = ctx.hours.get(ind.project_id)
        missing = _missing(hours["months_reported"] if hours else None, ctx.month)
        if missing:
            return grey_missing(missing, ctx, "舆情监控", "monitoring")
        return Judgement(
            0.0,
            float(limit),
            GREEN,
            f"截至{ctx.month}月无热点、负面舆情事件",
            f"no hot or negative events by {ctx.year}-{ctx.month:02d}",
        )
    slowest = float(row["slowest_hours"])
    status = lights.at_most(slowest, float(limit), ctx.cfg["lights"])
    events, within = int(row["events"]), int(row["within_limit"])
    text = (
        f"截至{ctx.month}月{events}起舆情均在{num(limit)}小时内上报（最长{duration(slowest)}），达标为绿灯"
        if within == events
        else f"截至{ctx.month}月{events}起舆情中{within}起在{num(limit)}小时内上报，最长{duration(slowest)}"
        f"（{row['slowest_event']}），超过{num(limit)}小时为{ZH_LIGHT[status]}"
    )
    return Judgement(
        round(slowest, 4),
        float(limit),
        status,
        text,
        f"{within} of {events} events reported within {num(limit)} h by {ctx.year}-{ctx.month:02d}; "
        f"slowest {slowest * 60:.0f} min: {status}",
        projection=round(slowest, 4),
        at_risk=status != GREEN,
    )


def judge_visitors(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.visitors.get(ind.project_id)
    missing = _missing(row["months_reported"] if row else None, ctx.month)
    if missing:
        return grey_missing(missing, ctx, "参观人数", "visitor")
    if not row["baseline_months"] or row["baseline_months"] < ctx.month:
        return Judgement(
            float(row["visitors"]),
            None,
            GREY,
            f"未上传{ctx.year - 1}年1–{ctx.month}月的基期数据，无法同比",
            f"no baseline for {ctx.year - 1} months 1–{ctx.month}: not judged",
        )
    cfg = ctx.cfg["lights"]
    s1, x1 = lights.increase(row["visitors"], row["baseline_visitors"], cfg)
    s2, x2 = lights.increase(row["visits"], row["baseline_visits"], cfg)
    status = lights.worst([s1, s2])
    change = row["visitors_change"]
    rule = {
        GREEN: "同比增加为绿灯",
        YELLOW: f"为上年同期{cfg['increase_yellow_from']}%–100%为黄灯",
        RED: f"低于上年同期{cfg['increase_yellow_from']}%为红灯",
    }[status]
    return Judgement(
        int(row["visitors"]),
        int(row["baseline_visitors"]),
        status,
        f"截至{ctx.month}月参观{num(row['visitors'])}人次，上年同期{num(row['baseline_visitors'])}（{change:+.1%}）；"
        f"参观{num(row['visits'])}次，上年同期{num(row['baseline_visits'])}（{row['visits_change']:+.1%}），{rule}",
        f"{num(row['visitors'])} visitors by {ctx.year}-{ctx.month:02d} against {num(row['baseline_visitors'])} a year "
        f"earlier ({change:+.1%}); visits {row['visits_change']:+.1%}: {status}",
        projection=round(float(change), 4),
        at_risk=status != GREEN,
    )


def judge_deliverable(ind: Indicator, ctx: Context) -> Judgement:
    reported = ctx.deliverables.get((ind.project_id, None))
    missing = _missing(reported, ctx.month)
    if missing:
        return grey_missing(missing, ctx, "产出数量", "deliverables")
    row = ctx.deliverables.get((ind.project_id, ind.item or ind.name))
    actual = float(row["count_to_date"]) if row else 0.0
    return _accumulating(ind, actual, ind.value or 0.0, ctx, with_unit(ind.unit, 1), "完成", f"{ind.item or ind.name}")


def _due_grey(ind: Indicator, ctx: Context, month_seen, what: str, what_en: str) -> Judgement | None:
    """Grey when the latest due month has no entry (values and ratings are due on set months)."""
    due = ctx.due_value_month(ind)
    seen = int(month_seen.month) if month_seen is not None and not _isnan(month_seen) else None
    if due is None:
        if seen is None:
            first = min(ctx.due_months(ind))
            return Judgement(
                None,
                None,
                GREY,
                f"尚未到填报期（首次为{first}月），暂无{what}",
                f"no {what_en} yet; first due in month {first}",
                not_due=True,
            )
        return None
    if seen is None or seen < due:
        return Judgement(
            None, None, GREY, f"{due}月{what}未填报", f"{what_en} for {ctx.year}-{due:02d} not reported", missing=[due]
        )
    return None


def _isnan(v) -> bool:
    try:
        return bool(v != v)  # NaN and NaT are not equal to themselves
    except TypeError:
        return False


def judge_value(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.values.get(ind.indicator_id) or {}
    grey = _due_grey(ind, ctx, row.get("value_month"), "实际值", "value")
    if grey:
        return grey
    actual = float(row["latest_value"])
    shown = with_unit(ind.unit)
    if ind.params.get("accumulate"):
        return _accumulating(ind, actual, ind.value or 0.0, ctx, shown, "完成", ind.name)
    cfg = ctx.cfg["lights"]
    if ind.kind == "at_most":
        status = lights.at_most(actual, ind.value, cfg)
    elif ind.unit == "%":
        status = lights.rate(actual, ind.value, cfg)
    else:
        status = lights.value_at_least(actual, ind.value, cfg, strictly=ind.operator == ">")
    likelihood = row.get("likelihood")
    at_risk = status != GREEN or likelihood in ("possible", "impossible")
    return Judgement(
        actual,
        ind.value,
        status,
        f"{int(row['value_month'].month)}月实际值{shown(actual)}，目标{ind.target}，{ZH_LIGHT[status]}",
        f"value {shown(actual)} in {ctx.year}-{int(row['value_month'].month):02d}, target {ind.target}: {status}",
        projection=actual,
        at_risk=at_risk,
    )


def judge_value_sum(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.values.get(ind.indicator_id) or {}
    grey = _due_grey(ind, ctx, row.get("value_month"), "事件数", "event count")
    if grey:
        return grey
    total = float(row["value_sum"])
    if ind.kind == "at_most":
        status = lights.at_most(total, ind.value, ctx.cfg["lights"])
    else:
        status = lights.zero_events(total)
    text = f"截至{ctx.month}月累计{num(total)}起" + (
        "，无事件为绿灯" if total == 0 else f"，目标{ind.target}，{ZH_LIGHT[status]}"
    )
    return Judgement(
        total,
        0.0 if ind.kind == "zero_events" else ind.value,
        status,
        text,
        f"{num(total)} event(s) by {ctx.year}-{ctx.month:02d}, target {ind.target}: {status}",
        projection=total,
        at_risk=status != GREEN,
    )


def judge_baseline(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.values.get(ind.indicator_id) or {}
    grey = _due_grey(ind, ctx, row.get("value_month"), "实际值", "value")
    if grey:
        return grey
    base = (ctx.references.get(ind.indicator_id) or {}).get("baseline")
    actual = float(row["latest_value"])
    if base is None or _isnan(base):
        return Judgement(
            actual,
            None,
            GREY,
            "未上传基期值（上年同期），无法判断是否提高",
            "no baseline (last year's value) uploaded: not judged",
        )
    status, x = lights.increase(actual, float(base), ctx.cfg["lights"])
    return Judgement(
        actual,
        float(base),
        status,
        f"实际值{num(actual)}，基期值{num(base)}（{(actual / base - 1) if base else 0:+.1%}），"
        + {GREEN: "高于基期为绿灯", YELLOW: "持平或略低为黄灯", RED: "明显低于基期为红灯"}[status],
        f"value {num(actual)} against baseline {num(base)}: {status}",
        projection=actual,
        at_risk=status != GREEN,
    )


def judge_reference(ind: Indicator, ctx: Context) -> Judgement:
    row = ctx.values.get(ind.indicator_id) or {}
    grey = _due_grey(ind, ctx, row.get("value_month"), "实际值", "value")
    if grey:
        return grey
    ref = (ctx.references.get(ind.indicator_id) or {}).get("reference")
    actual = float(row["latest_value"])
    if ref is None or _isnan(ref):
        return Judgement(
            actual,
            None,
            GREY,
            "未上传参考值（如全市平均水平），无法判断",
            "no reference value (e.g. the city average) uploaded: not judged",
        )
    status = lights.above_reference(actual, float(ref), strictly=ind.operator != ">=")
    return Judgement(
        actual,
        float(ref),
        status,
        f"实际值{num(actual)}，参考值{num(ref)}，"
        + {GREEN: "高于参考值为绿灯", YELLOW: "与参考值持平为黄灯", RED: "低于参考值为红灯"}[status],
        f"value {num(actual)} against reference {num(ref)}: {status}",
        projection=actual,
        at_risk=status != GREEN,
    )


def judge_rating(ind: Indicator, ctx: Context) -> Judgement:
    if ind.kind == "not_applicable":
        return Judgement(None, None, GREY, "本项目不适用此指标", "not applicable to this project")
    row = ctx.values.get(ind.indicator_id) or {}
    grey = _due_grey(ind, ctx, row.get("rating_month"), "评级", "rating")
    if grey:
        return grey
    rating = row["latest_rating"]
    likelihood = row.get("likelihood")
    status = lights.rating(rating)
    extra = f"，完成目标可能性：{LIKELIHOOD_ZH[likelihood]}" if isinstance(likelihood, str) else ""
    month = int(row["rating_month"].month)
    return Judgement(
        RATING_ZH[rating],
        None,
        status,
        f"{month}月评级：{RATING_ZH[rating]}{extra}（达成为绿灯，部分达成为黄灯，未达成为红灯）",
        f"rated {RATING_EN[rating]} in {ctx.year}-{month:02d}" + (f", likelihood {likelihood}" if extra else ""),
        projection=LIKELIHOOD_ZH.get(likelihood) if isinstance(likelihood, str) else None,
        at_risk=status != GREEN or likelihood in ("possible", "impossible"),
    )


def judge(ind: Indicator, ctx: Context) -> Judgement:
    """The judgement of ``ind`` by its bound rule."""
    rule = ind.rule
    if rule == "budget_execution_rate":
        return judge_budget_rate(ind, ctx, "execution_rate", "执行率", "execution")
    if rule == "budget_funds_rate":
        return judge_budget_rate(ind, ctx, "funds_rate", "资金到位率", "funds received")
    if rule == "budget_timeliness":
        return judge_budget_timeliness(ind, ctx)
    if rule == "hotline_accept_rate":
        return judge_hotline(ind, ctx, "accept_rate", "accepted", "接单率", "acceptance")
    if rule == "hotline_ontime_rate":
        return judge_hotline(ind, ctx, "ontime_rate", "accepted_on_time", "按期接单率", "on-time acceptance")
    if rule == "hotline_close_rate":
        return judge_hotline(ind, ctx, "close_rate", "closed", "办结率", "closure")
    if rule == "opinion_daily_hours":
        return judge_daily_hours(ind, ctx)
    if rule == "opinion_report_within":
        return judge_report_within(ind, ctx)
    if rule == "visitors_yoy":
        return judge_visitors(ind, ctx)
    if rule == "deliverable_count":
        return judge_deliverable(ind, ctx)
    if rule == "value_latest":
        return judge_value(ind, ctx)
    if rule == "value_sum":
        return judge_value_sum(ind, ctx)
    if rule == "value_vs_baseline":
        return judge_baseline(ind, ctx)
    if rule == "value_vs_reference":
        return judge_reference(ind, ctx)
    return judge_rating(ind, ctx)


def budget_light(row: dict | None, ctx: Context) -> tuple[str, str, str]:
    """The project's budget execution light with its one-line reason (configured mode)."""
    missing = _missing(row["months_reported"] if row else None, ctx.month)
    if missing:
        return GREY, f"{months_zh(missing)}预算执行未填报", f"budget not reported for months {missing}"
    cfg = ctx.cfg["budget"]
    rate, tp = row["execution_rate"], ctx.time_progress
    status, figure = lights.budget(rate, tp, cfg)
    if cfg["mode"] == "gap":
        rule = {
            GREEN: "不低于时间进度为绿灯",
            YELLOW: f"落后不足{cfg['gap_yellow_points']}个百分点为黄灯",
            RED: f"落后{cfg['gap_yellow_points']}个百分点以上为红灯",
        }[status]
        zh = f"截至{ctx.month}月执行率{pct(rate)}，时间进度{pct(tp)}，落后{max(figure, 0):.1f}个百分点，{rule}"
        en = f"executed {pct(rate)} at time progress {pct(tp)}: {max(figure, 0):.1f} points behind, {status}"
    else:
        rule = {
            GREEN: f"≥{cfg['ratio_yellow_below']}%为绿灯",
            YELLOW: f"{cfg['ratio_red_below']}%–{cfg['ratio_yellow_below']}%为黄灯",
            RED: f"低于{cfg['ratio_red_below']}%为红灯",
        }[status]
        zh = f"截至{ctx.month}月执行率{pct(rate)}，时间进度{pct(tp)}，执行率÷时间进度={figure:.1f}%，{rule}"
        en = f"executed {pct(rate)} at time progress {pct(tp)}: {figure:.1f}% of pace, {status}"
    return status, zh, en
