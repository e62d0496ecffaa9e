"""Rules on counted streams: museum visitors against the year before, and deliverables accumulating to T."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.lights import GREEN, Accumulating, Achieved, Increase, worst
from metrics.rules.base import (
    Facts,
    Grey,
    Period,
    Rule,
    RuleName,
    accumulate,
    as_of,
    explain_accumulating,
    grey_where,
    join,
    num,
    put,
    stream_missing,
    verdict,
    with_unit,
)


def judge_visitors(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """Visitors and visits to date, each against the same months a year before; the worse of the two lights."""
    out = join(verdict(frame), measures["visitors"], "project_id")
    todo = stream_missing(out, period)
    no_base = out["baseline_months"].fillna(0).to_numpy() < as_of(out, period)
    rows = out.index[(todo.to_numpy() & no_base)]
    put(out, rows, actual=pd.Series(out.loc[rows, "visitors"].to_numpy(dtype=float), index=rows, dtype=object))
    todo = grey_where(out, todo & no_base, Grey.NO_VISITOR_BASELINE)
    rows = out.index[todo.to_numpy()]
    bands = Increase.of(period.config)
    people = bands.classify(out.loc[rows, "visitors"], out.loc[rows, "baseline_visitors"])
    visits = bands.classify(out.loc[rows, "visits"], out.loc[rows, "baseline_visits"])
    status = np.array([worst(pair) for pair in zip(people, visits, strict=True)], dtype=object)
    put(out, rows, status=status)
    put(out, rows, actual=pd.Series([int(v) for v in out.loc[rows, "visitors"]], index=rows, dtype=object))
    put(out, rows, expected=pd.Series([int(v) for v in out.loc[rows, "baseline_visitors"]], index=rows, dtype=object))
    change = out.loc[rows, "visitors_change"].to_numpy(dtype=float)
    put(out, rows, projection=pd.Series(np.round(change, 4), index=rows, dtype=object))
    put(out, rows, at_risk=status != str(GREEN))
    return out


def explain_visitors(facts: Facts, period: Period, lang: str) -> str:
    bands, status, m = Increase.of(period.config), facts["status"], period.month
    change, visits_change = _change(facts["visitors_change"]), _change(facts["visits_change"])
    if lang == "en":
        return (
            f"{num(facts['visitors'])} visitors by {period.year}-{m:02d} against {num(facts['baseline_visitors'])} "
            f"a year earlier ({change}); visits {visits_change}: {status} ({bands.says(status, 'en')})"
        )
    rule = "同比增加为绿灯" if status == GREEN else bands.says(status, of="上年同期")
    return (
        f"截至{m}月参观{num(facts['visitors'])}人次，上年同期{num(facts['baseline_visitors'])}（{change}）；"
        f"参观{num(facts['visits'])}次，上年同期{num(facts['baseline_visits'])}（{visits_change}），{rule}"
    )


def _change(x) -> str:
    """+12.3%, or — when the year before had none to compare with."""
    return "—" if x is None or x != x else f"{x:+.1%}"


def judge_deliverable(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The item's count to date accumulating towards T; due once any item of the project was reported each month."""
    out = join(verdict(frame), measures["deliverable_months"], "project_id")
    out["item_key"] = out["item"].where(out["item"].notna(), out["name"])
    counts = measures["deliverables"].rename(columns={"item": "item_key"})[["project_id", "item_key", "count_to_date"]]
    out = join(out, counts, ["project_id", "item_key"])
    todo = stream_missing(out, period)
    actual = out["count_to_date"].fillna(0).to_numpy(dtype=float)
    accumulate(out, todo, actual, out["target_value"].fillna(0.0).to_numpy(dtype=float), period)
    return out


def explain_deliverable(facts: Facts, period: Period, lang: str) -> str:
    return explain_accumulating(facts, period, lang, with_unit(facts.get("unit"), 1), "完成", str(facts["item_key"]))


RULES = (
    Rule(
        RuleName.VISITORS_YOY,
        "visitors_month",
        ("visitors",),
        "累计参观人数、参观次数 ÷ 上年同期 × 100（%），两者取较差的灯；须有上年同期各月的基期数据",
        "以截至当月的同比变化为全年预计",
        Increase.of,
        judge_visitors,
        explain_visitors,
        ("参观人数", "visitor"),
    ),
    Rule(
        RuleName.DELIVERABLE_COUNT,
        "deliverable_month",
        ("deliverables", "deliverable_months"),
        "事项累计完成数量；期望值 = 目标值 × 月份/12，或分阶段计划",
        "有计划时：实际 + 计划剩余进度；否则按当前进度：实际 × 12 ÷ 月份",
        Accumulating.of,
        judge_deliverable,
        explain_deliverable,
        ("产出数量", "deliverables"),
        final_bands=Achieved.of,
    ),
)
