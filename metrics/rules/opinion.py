"""Public-opinion monitoring rules: hours monitored each day, and the time from an event to its report."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.lights import GREEN, ZH_LIGHT, AtMost, ShortDays
from metrics.rules.base import (
    Facts,
    Grey,
    Period,
    Rule,
    RuleName,
    as_of,
    duration,
    grey_where,
    join,
    num,
    put,
    stream_missing,
    verdict,
)


def _month_day(iso: str) -> str:
    _, m, d = iso[:10].split("-")
    return f"{int(m)}月{int(d)}日"


def judge_daily_hours(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    out = join(verdict(frame), measures["opinion_hours"], "project_id")
    out = join(out, measures["opinion_short_days"], "indicator_id")
    rows = out.index[stream_missing(out, period).to_numpy()]
    under = out.loc[rows, "days_under"].fillna(0).to_numpy(dtype=float)
    minimum = out.loc[rows, "minimum"].to_numpy(dtype=float)  # the one the days were counted against
    put(out, rows, status=short_days(period).classify(under))
    put(out, rows, actual=pd.Series(out.loc[rows, "min_hours"].to_numpy(dtype=float), index=rows, dtype=object))
    put(out, rows, expected=minimum)
    put(out, rows, at_risk=under > 0)
    return out


def short_days(period: Period) -> ShortDays:
    """Up to a few short days are yellow during the year; at its last month a short day is a miss."""
    return ShortDays.final(period.config) if period.final else ShortDays.of(period.config)


def explain_daily_hours(facts: Facts, period: Period, lang: str) -> str:
    under, days, shortest, minimum = (
        int(facts["days_under"]),
        int(facts["days"]),
        facts["min_hours"],
        facts["expected"],
    )
    status = facts["status"]
    if lang == "en":
        return (
            f"{days} days monitored by {period.year}-{period.month:02d}, shortest {num(shortest)} h, "
            f"{under} day(s) under {num(minimum)} h: {status} ({short_days(period).says(status, 'en')})"
        )
    first = f"（如{_month_day(facts['first_short_day'])}）" if under else ""
    return (
        f"截至{period.month}月监控{days}天，最短{num(shortest)}小时，{under}天不足{num(minimum)}小时{first}，"
        f"{short_days(period).says(status)}"
    )


def judge_report_within(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The slowest report against the limit; no event at all is green once monitoring was reported every month."""
    out = join(verdict(frame), measures["opinion_events"], "project_id")
    hours = measures["opinion_hours"][["project_id", "n_months", "months_mask"]]
    out = join(out.drop(columns=["n_months", "months_mask"], errors="ignore"), hours, "project_id")
    out = join(out, measures["opinion_within"], "indicator_id")
    # the limit the events were counted against; with no event, the one they would have been
    limit = out["limit_hours"].fillna(out["target_value"]).fillna(period.config.opinion.report_limit_hours)
    limit = limit.to_numpy(dtype=float)
    out["limit"] = limit
    has_events = out["events"].fillna(0).to_numpy() > 0
    # with events the events speak; without, the monitoring must have been reported for every month
    reported = out["n_months"].fillna(0).to_numpy(dtype=float)
    quiet = grey_where(out, ~has_events & (reported < as_of(out, period)), Grey.STREAM_MISSING).to_numpy() & ~has_events
    rows = out.index[quiet]
    put(out, rows, status=str(GREEN))
    put(out, rows, actual=pd.Series(0.0, index=rows, dtype=object))
    put(out, rows, expected=limit[quiet])
    rows = out.index[has_events]
    slowest = out.loc[rows, "slowest_hours"].to_numpy(dtype=float)
    status = AtMost.of(period.config).classify(slowest, limit[has_events])
    put(out, rows, status=status)
    put(out, rows, actual=pd.Series(np.round(slowest, 4), index=rows, dtype=object))
    put(out, rows, expected=limit[has_events])
    put(out, rows, projection=pd.Series(np.round(slowest, 4), index=rows, dtype=object))
    put(out, rows, at_risk=status != str(GREEN))
    return out


def explain_report_within(facts: Facts, period: Period, lang: str) -> str:
    m, limit = period.month, facts["limit"]
    events = 0 if facts.get("events") is None or facts["events"] != facts["events"] else int(facts["events"])
    if not events:
        return (
            f"截至{m}月无热点、负面舆情事件" if lang != "en" else f"no hot or negative events by {period.year}-{m:02d}"
        )
    within, slowest, status = int(facts["within_limit"]), float(facts["slowest_hours"]), facts["status"]
    bands = AtMost.of(period.config)
    if lang == "en":
        return (
            f"{within} of {events} events reported within {num(limit)} h by {period.year}-{m:02d}; "
            f"slowest {slowest * 60:.0f} min: {status} ({bands.says(status, 'en')})"
        )
    if within == events and status == GREEN:
        return f"截至{m}月{events}起舆情均在{num(limit)}小时内上报（最长{duration(slowest)}），达标为绿灯"
    over = (
        f"超过{num(limit)}小时为{ZH_LIGHT[status]}"
        if bands.tolerance <= 0
        else f"限值{num(limit)}小时，{bands.says(status)}"
    )
    return (
        f"截至{m}月{events}起舆情中{within}起在{num(limit)}小时内上报，最长{duration(slowest)}"
        f"（{facts['slowest_event']}），{over}"
    )


RULES = (
    Rule(
        RuleName.OPINION_DAILY_HOURS,
        "opinion_hours",
        ("opinion_hours", "opinion_short_days"),
        "每日监控时长（小时）：截至当月不足每日最低时长（目标值，默认 opinion.daily_hours_minimum）的天数",
        "不预测；有不足的天即有风险",
        ShortDays.of,
        judge_daily_hours,
        explain_daily_hours,
        ("舆情监控时长", "monitoring hours"),
        final_bands=ShortDays.final,
    ),
    Rule(
        RuleName.OPINION_REPORT_WITHIN,
        "opinion_event",
        ("opinion_events", "opinion_within", "opinion_hours"),
        "出现至上报用时（小时）：最长用时对照限时（目标值，默认 opinion.report_limit_hours）；"
        "无事件且每月监控均已填报为绿灯",
        "不预测：以截至当月的最长用时为全年预计",
        AtMost.of,
        judge_report_within,
        explain_report_within,
        ("舆情监控", "monitoring"),
    ),
)
