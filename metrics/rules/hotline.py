"""12345 hotline rules: acceptance, on-time acceptance and closure rates to date, judged against T directly."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.lights import GREEN, Rate, percent
from metrics.rules.base import Facts, Grey, Period, Rule, RuleName, grey_where, join, put, stream_missing, verdict

WHAT = ("12345工单", "hotline")


def _judge(column: str, count: str):
    def judge(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
        out = join(verdict(frame), measures["hotline"], "project_id")
        todo = stream_missing(out, period)
        todo = grey_where(out, todo & out[column].isna(), Grey.NO_TICKETS)
        rows = out.index[todo.to_numpy()]
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
        return out

    return judge


def _explain(count: str, label: str, label_en: str):
    def explain(facts: Facts, period: Period, lang: str) -> str:
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


def _rule(name: RuleName, column: str, count: str, label: str, label_en: str, formula: str) -> Rule:
    return Rule(
        name,
        "hotline_ticket / hotline_month",
        ("hotline",),
        formula + "（有工单明细的月份按明细计，否则按月报）",
        "不预测：以截至当月的比率为全年预计",
        Rate.of,
        _judge(column, count),
        _explain(count, label, label_en),
        WHAT,
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
