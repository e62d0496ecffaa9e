"""12345 hotline rules: acceptance, on-time acceptance and closure rates to date, judged against T directly."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.lights import GREEN, Rate, num, percent, worst
from metrics.rules.base import (
    Facts,
    Grey,
    Period,
    Rule,
    RuleName,
    grey_where,
    is_missing,
    join,
    params_of,
    per_distinct,
    put,
    stream_missing,
    verdict,
)

WHAT = ("12345工单", "hotline")


def _judge(column: str, count: str):
    def judge(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
        out = join(verdict(frame), measures["hotline"], "project_id")
        todo = stream_missing(out, period)
        todo = grey_where(out, todo & out[column].isna(), Grey.NO_TICKETS)
        monthly = per_distinct(out["params"], lambda text: bool(params_of(text).get("each_month")), bool)
        rows = out.index[todo.to_numpy() & ~monthly]
        # rounded like every percentage here, so 29 of 50 is exactly 58% and meets ">=58%"
        actual = percent(out.loc[rows, count].to_numpy(dtype=float), out.loc[rows, "received"].to_numpy(dtype=float))
        target = out.loc[rows, "target_value"].fillna(100.0).to_numpy(dtype=float)
        put(out, rows, status=Rate.of(period.config).classify(actual, target))
        shown = np.round(actual, 2)
        put(out, rows, actual=pd.Series(shown, index=rows, dtype=object))
        put(out, rows, expected=target)
        put(out, rows, projection=pd.Series(shown, index=rows, dtype=object))
        put(out, rows, at_risk=actual < target)
        put(out, rows, rate_pct=actual)
        _each_month(out, out.index[todo.to_numpy() & monthly], measures.get("hotline_months"), count, period)
        return out

    return judge


def _each_month(out: pd.DataFrame, rows: pd.Index, months: pd.DataFrame | None, count: str, period: Period) -> None:
    """A target every month must meet: each month's rate against T; the light is the worst month's.

    Each month's rate is as of the as-of month's end, like every figure here. ``missed`` lists the
    months below T as "month:rate" pairs for the explanation.
    """
    if not len(rows):
        return
    bands = Rate.of(period.config)
    months = months[months["received"] > 0]
    rate = percent(months[count].to_numpy(dtype=float), months["received"].to_numpy(dtype=float))
    months = months.assign(rate=rate)
    by_project = dict(tuple(months.groupby("project_id")))
    none = months.iloc[:0]
    for column in ("months_judged", "missed"):
        if column not in out:
            out[column] = None
    for row in rows:
        own = by_project.get(out.at[row, "project_id"], none)
        target = out.at[row, "target_value"]
        target = 100.0 if target is None or target != target else float(target)
        lights = bands.classify(own["rate"].to_numpy(), np.full(len(own), target))
        below = own[own["rate"].to_numpy() < target]
        out.at[row, "status"] = worst(lights) if len(own) else str(GREEN)
        out.at[row, "actual"] = float(np.round(own["rate"].min(), 2)) if len(own) else None
        out.at[row, "expected"] = target
        out.at[row, "at_risk"] = bool(len(below))
        out.at[row, "rate_pct"] = float(own["rate"].min()) if len(own) else None
        out.at[row, "months_judged"] = len(own)
        out.at[row, "missed"] = ",".join(f"{int(m)}:{r:.2f}" for m, r in zip(below["m"], below["rate"], strict=True))


def _explain(count: str, label: str, label_en: str):
    def explain(facts: Facts, period: Period, lang: str) -> str:
        if not is_missing(facts.get("months_judged")):
            return _explain_each_month(facts, period, lang, label, label_en)
        actual, n, received = float(facts["rate_pct"]), int(facts[count]), int(facts["received"])
        status = facts["status"]
        if lang == "en":
            says = "" if status == GREEN else f" ({Rate.of(period.config).says(status, 'en')})"
            return (
                f"{label_en} {actual:.1f}% ({n} of {received}) by {period.year}-{period.month:02d}, "
                f"target {facts['target']}: {status}{says}"
            )
        rule = Rate.of(period.config).says(status)
        return f"截至{period.month}月{label}{actual:.1f}%（{n}/{received}），目标{facts['target']}，{rule}"

    return explain


def _explain_each_month(facts: Facts, period: Period, lang: str, label: str, label_en: str) -> str:
    """1–6月中3个月按期接单率未达99%：3月98.36%、4月98.86%、6月98.51%，差距小于5个百分点为黄灯."""
    judged, m, status = int(facts["months_judged"]), period.month, facts["status"]
    missed = [pair.split(":") for pair in (facts.get("missed") or "").split(",") if pair]
    target = num(facts["expected"])
    if lang == "en":
        if not missed:
            return f"{label_en} met {target}% in each of {judged} months to {period.year}-{m:02d}: green"
        listed = ", ".join(f"{period.year}-{int(k):02d} {float(r):.2f}%" for k, r in missed)
        says = Rate.of(period.config).says(status, "en")
        return f"{label_en} below {target}% in {len(missed)} of {judged} months ({listed}): {status} ({says})"
    if not missed:
        return f"1–{m}月{judged}个月{label}均达到{target}%，{Rate.of(period.config).says(status)}"
    listed = "、".join(f"{int(k)}月{float(r):.2f}%" for k, r in missed)
    rule = Rate.of(period.config).says(status) + "（取最差月份）"
    return f"1–{m}月中{len(missed)}个月{label}未达{target}%：{listed}，{rule}"


def _rule(name: RuleName, column: str, count: str, label: str, label_en: str, formula: str) -> Rule:
    return Rule(
        name,
        "hotline_ticket / hotline_month",
        ("hotline", "hotline_months"),
        formula + "（有工单明细的月份按明细计，否则按月报；只计截至当月月底已接单、已办结的工单）；"
        "each_month = true 时为“每月”目标：逐月计算，最差月份定灯",
        "不预测：以截至当月的比率为全年预计",
        Rate.of,
        _judge(column, count),
        _explain(count, label, label_en),
        WHAT,
        each_month=True,
    )


RULES = (
    _rule(
        RuleName.HOTLINE_ACCEPT_RATE,
        "accept_rate",
        "accepted",
        "接单率",
        "acceptance",
        "接单数 ÷ 受理工单数 × 100（%）",
    ),
    _rule(
        RuleName.HOTLINE_ONTIME_RATE,
        "ontime_rate",
        "accepted_on_time",
        "按期接单率",
        "on-time acceptance",
        "按期接单数 ÷ 受理工单数 × 100（%）；按期 = 在接单时限内，无时限时在受理后 hotline.accept_limit_hours 小时内",
    ),
    _rule(RuleName.HOTLINE_CLOSE_RATE, "close_rate", "closed", "办结率", "closure", "办结数 ÷ 受理工单数 × 100（%）"),
)
