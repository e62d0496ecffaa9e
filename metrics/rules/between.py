"""A target range (``90%-95%``, ``在90%至95%之间``): the latest value inside it, below it, or above it.

docs/domain.md §3, §9 and docs/rules.md.  The bands reuse the bounds of the one-sided targets, so a
range reads like the two limits it is made of:

- inside [low, high]: green;
- below low: judged as "at least low" — for a % target yellow within ``rate_yellow_band_points``
  points under it, otherwise yellow within ``value_yellow_band_share`` of low; red further down;
- above high: judged as "at most high" — yellow up to high × (1 + ``at_most_yellow_tolerance``),
  red beyond (with the shipped tolerance 0, any excess is red).

The value is the latest one entered, not a pace, so the same bands hold at December: outside the
range is never green (the year-end "achieved" principle).  Scoring: full points inside; below, points
× actual ÷ low (as "at least"); above, points × (1 − (actual − high) ÷ high), none from 2 × high (as
"at most").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.config import Config
from metrics.lights import GREEN, GREY, RED, YELLOW, ZH_LIGHT, Bands, Light, _pick, num
from metrics.ratings import DOUBTFUL
from metrics.rules.base import Facts, Grey, Period, Rule, RuleName, due_grey, join, per_distinct, put, verdict
from metrics.targets import parse_target


@dataclass(frozen=True)
class Between(Bands):
    """Inside [low, high] green; under low by the at-least bands, over high by the at-most band."""

    yellow_points: float  # a % target: points under low still yellow
    yellow_share: float  # any other value: share of low under it still yellow
    tolerance: float  # share of high over it still yellow
    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> Between:
        c = config.lights
        return cls(c.rate_yellow_band_points, c.value_yellow_band_share, c.at_most_yellow_tolerance)

    def classify(self, actual, low, high, unit=None) -> np.ndarray:
        actual, low, high = (np.asarray(x, dtype=float) for x in (actual, low, high))
        percent = np.asarray(unit, dtype=object) == "%"
        near_low = np.where(percent, low - actual < self.yellow_points, actual >= low * (1 - self.yellow_share))
        inside = (actual >= low) & (actual <= high)
        below = actual < low
        return _pick(
            [inside, below & near_low, ~below & (actual <= high * (1 + self.tolerance))],
            [GREEN, YELLOW, YELLOW],
            RED,
        )

    def light(self, actual, low, high, unit=None) -> Light:  # type: ignore[override]
        return Light(self.classify([actual], [low], [high], [unit])[0])

    def says(self, light: Light, lang: str = "zh") -> str:
        p, share, tol = num(self.yellow_points), f"{self.yellow_share * 100:g}%", f"{self.tolerance * 100:g}%"
        if lang == "en":
            over = f"up to {tol} over the upper bound" if self.tolerance > 0 else "none over the upper bound"
            return {
                GREEN: "green inside the range",
                YELLOW: f"yellow within {p} points (% targets) or {share} under the lower bound, {over}",
            }.get(light, "red further outside")
        over = f"超出上限不超过{tol}" if self.tolerance > 0 else "超出上限即为红灯"
        return {
            GREEN: "在区间内为绿灯",
            YELLOW: f"低于下限不足{p}个百分点（%目标）或不超过下限的{share}为黄灯；{over}",
        }.get(light, "距区间更远为红灯")


def bounds(text: str | None) -> tuple[float, float]:
    """The range a target text states: (low, high); (nan, nan) when it is not a range."""
    t = parse_target(text or "")
    if t.kind != "between" or t.value is None or t.high is None:
        return math.nan, math.nan
    return t.value, t.high


def points(actual: float, text: str, weight: float) -> float:
    """得分 of a range target (docs/rules.md): full inside, as "at least low" below, as "at most high" above."""
    low, high = bounds(text)
    if math.isnan(low):
        return 0.0
    if low <= actual <= high:
        return weight
    if actual < low:
        return weight * max(actual, 0.0) / low if low > 0 else 0.0
    if high <= 0 or actual >= 2 * high:
        return 0.0
    return weight * (1 - (actual - high) / high)


def judge_between(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The latest value entered, against the range its target text states."""
    out = join(verdict(frame), measures["values"], "indicator_id")
    todo = due_grey(out, period, "value_month")
    ranges = per_distinct(out["target"], bounds)
    out["low"] = [r[0] for r in ranges]
    out["high"] = [r[1] for r in ranges]
    rows = out.index[todo.to_numpy()]
    no_range = out.loc[rows, "low"].isna().to_numpy()
    out.loc[rows[no_range], ["status", "grey"]] = [str(GREY), str(Grey.NO_TARGET)]
    rows = rows[~no_range]
    actual = out.loc[rows, "latest_value"].to_numpy(dtype=float)
    low, high = out.loc[rows, "low"].to_numpy(dtype=float), out.loc[rows, "high"].to_numpy(dtype=float)
    status = Between.of(period.config).classify(actual, low, high, out.loc[rows, "unit"].to_numpy())
    put(out, rows, status=status)
    put(out, rows, actual=pd.Series(actual, index=rows, dtype=object))
    put(out, rows, expected=low)
    put(out, rows, projection=pd.Series(actual, index=rows, dtype=object))
    doubtful = out.loc[rows, "likelihood"].isin(DOUBTFUL).to_numpy() if "likelihood" in out else False
    put(out, rows, at_risk=(status != str(GREEN)) | doubtful)
    return out


def explain_between(facts: Facts, period: Period, lang: str) -> str:
    unit = facts.get("unit") or ""
    actual, low, high, status = float(facts["actual"]), float(facts["low"]), float(facts["high"]), facts["status"]
    month = int(pd.Timestamp(facts["value_month"]).month)
    says = Between.of(period.config).says(Light(status), lang)
    if lang == "en":
        return f"value {num(actual)}{unit} in {period.year}-{month:02d}, range {num(low)}–{num(high)}{unit}: {says}"
    return f"{month}月实际值{num(actual)}{unit}，目标区间{num(low)}–{num(high)}{unit}，{ZH_LIGHT[status]}（{says}）"


RULES = (
    Rule(
        RuleName.VALUE_BETWEEN,
        "indicator_value",
        ("values",),
        "最近一期填报的实际值，对照目标区间（如 90%-95%）：区间内为达标；低于下限按“不低于下限”、高于上限按“不超过上限”"
        "的界限判灯，12月同样以区间为准（区间外不亮绿灯）；得分：区间内满分，低于下限按 实际 ÷ 下限，高于上限按"
        " 1 −（实际 − 上限）÷ 上限（2倍上限起为0）；实际值按填报期填报（binding 的 due，默认 due.value_months）",
        "以最近一期实际值为全年预计",
        Between.of,
        judge_between,
        explain_between,
        ("实际值", "value"),
    ),
)
