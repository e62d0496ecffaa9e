"""Rules on values and ratings entered by staff, due on set months (docs/domain.md §4, ``[due]``)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.lights import (
    GREEN,
    GREY,
    ZH_LIGHT,
    AboveReference,
    AtMost,
    DirectValue,
    Increase,
    RatingBands,
    ZeroEvents,
)
from metrics.ratings import DOUBTFUL, LIKELIHOOD_ZH, RATING_EN, RATING_ZH, Rating
from metrics.rules.base import (
    Facts,
    Grey,
    Period,
    Rule,
    RuleName,
    accumulate,
    due_grey,
    explain_accumulating,
    grey_where,
    join,
    num,
    params_of,
    per_distinct,
    put,
    verdict,
    with_unit,
)


def _values(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period, seen: str):
    out = join(verdict(frame), measures["values"], "indicator_id")
    todo = due_grey(out, period, seen)
    return out, out.index[todo.to_numpy()]


def judge_value(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The latest value against T: at most, a rate (%), or a value with a yellow share; or accumulating if bound so."""
    out, rows = _values(frame, measures, period, "value_month")
    acc = per_distinct(out.loc[rows, "params"], lambda text: bool(params_of(text).get("accumulate")), bool)
    todo = pd.Series(False, index=out.index)
    todo.loc[rows[acc]] = True
    accumulate(out, todo, out["latest_value"].to_numpy(dtype=float), out["target_value"].fillna(0.0), period)
    rows = rows[~acc]
    no_target = out.loc[rows, "target_value"].isna().to_numpy()
    put(
        out,
        rows[no_target],
        actual=pd.Series(
            out.loc[rows[no_target], "latest_value"].to_numpy(dtype=float), index=rows[no_target], dtype=object
        ),
    )
    out.loc[rows[no_target], ["status", "grey"]] = [str(GREY), str(Grey.NO_TARGET)]
    rows = rows[~no_target]
    actual = out.loc[rows, "latest_value"].to_numpy(dtype=float)
    target = out.loc[rows, "target_value"].to_numpy(dtype=float)
    kind, unit = out.loc[rows, "kind"].to_numpy(), out.loc[rows, "unit"].to_numpy()
    strictly = out.loc[rows, "operator"].to_numpy() == ">"
    status = DirectValue.of(period.config).classify(actual, target, kind, unit, strictly)
    put(out, rows, status=status)
    put(out, rows, actual=pd.Series(actual, index=rows, dtype=object))
    put(out, rows, expected=target)
    put(out, rows, projection=pd.Series(actual, index=rows, dtype=object))
    doubtful = out.loc[rows, "likelihood"].isin(DOUBTFUL).to_numpy()
    put(out, rows, at_risk=(status != str(GREEN)) | doubtful)
    out["accumulating"] = False
    out.loc[todo[todo].index, "accumulating"] = True
    return out


def explain_value(facts: Facts, period: Period, lang: str) -> str:
    shown = with_unit(facts.get("unit"))
    if facts.get("accumulating"):
        return explain_accumulating(facts, period, lang, shown, "完成", str(facts["name"]))
    actual, status, month = float(facts["actual"]), facts["status"], int(pd.Timestamp(facts["value_month"]).month)
    if lang == "en":
        return f"value {shown(actual)} in {period.year}-{month:02d}, target {facts['target']}: {status}"
    return f"{month}月实际值{shown(actual)}，目标{facts['target']}，{ZH_LIGHT[status]}"


def judge_value_sum(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The sum of the values entered (e.g. incidents): none is green, or at most T when the target says so."""
    out, rows = _values(frame, measures, period, "value_month")
    total = out.loc[rows, "value_sum"].to_numpy(dtype=float)
    target = out.loc[rows, "target_value"].to_numpy(dtype=float)
    at_most = out.loc[rows, "kind"].to_numpy() == "at_most"
    status = np.where(
        at_most, AtMost.of(period.config).classify(total, target), ZeroEvents.of(period.config).classify(total)
    )
    put(out, rows, status=status)
    put(out, rows, actual=pd.Series(total, index=rows, dtype=object))
    put(out, rows, expected=np.where(out.loc[rows, "kind"].to_numpy() == "zero_events", 0.0, target))
    put(out, rows, projection=pd.Series(total, index=rows, dtype=object))
    put(out, rows, at_risk=status != str(GREEN))
    return out


def explain_value_sum(facts: Facts, period: Period, lang: str) -> str:
    total, status = float(facts["actual"]), facts["status"]
    if lang == "en":
        return f"{num(total)} event(s) by {period.year}-{period.month:02d}, target {facts['target']}: {status}"
    tail = "，无事件为绿灯" if total == 0 else f"，目标{facts['target']}，{ZH_LIGHT[status]}"
    return f"截至{period.month}月累计{num(total)}起{tail}"


def _compared(column: str, reason: Grey, judge_bands, expected_of=None):
    """A rule comparing the latest value with a baseline or reference value uploaded for the indicator.

    ``expected_of(base, rows)`` is the level the target asks for (default: the baseline or reference itself)."""

    def judge(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
        out, rows = _values(frame, measures, period, "value_month")
        out = join(out, measures["references"], "indicator_id")
        put(out, rows, actual=pd.Series(out.loc[rows, "latest_value"].to_numpy(dtype=float), index=rows, dtype=object))
        todo = pd.Series(False, index=out.index)
        todo.loc[rows] = True
        rows = out.index[grey_where(out, todo & out[column].isna(), reason).to_numpy()]
        actual = out.loc[rows, "latest_value"].to_numpy(dtype=float)
        base = out.loc[rows, column].to_numpy(dtype=float)
        status = judge_bands(period, actual, base, out.loc[rows])
        put(out, rows, status=status)
        put(out, rows, expected=expected_of(base, out.loc[rows]) if expected_of else base)
        put(out, rows, projection=pd.Series(actual, index=rows, dtype=object))
        put(out, rows, at_risk=status != str(GREEN))
        return out

    return judge


def required_level(base, growth, unit, text) -> np.ndarray:
    """What an increase of at least ``growth`` asks of the baseline: 较上年增长10% is base × 1.10,
    提高5个百分点 is base + 5, 增加1万人次 is base + 10,000; no growth stated: the baseline itself."""
    base, growth = np.asarray(base, dtype=float), np.asarray(growth, dtype=float)
    points = np.array(["百分点" in str(t) for t in np.asarray(text, dtype=object)], dtype=bool)
    relative = (np.asarray(unit, dtype=object) == "%") & ~points
    stated = base + np.where(relative, base * growth / 100, growth)
    return np.where(np.isnan(growth), base, stated)


def _required(base, rows: pd.DataFrame) -> np.ndarray:
    """The level each row's increase target asks of its baseline."""
    text = rows["target"].to_numpy(dtype=object) if "target" in rows else np.full(len(rows), "", dtype=object)
    return required_level(base, rows["target_value"].to_numpy(dtype=float), rows["unit"].to_numpy(dtype=object), text)


def _judge_increase(period: Period, actual, base, rows: pd.DataFrame) -> np.ndarray:
    """Higher than last year (``Increase`` bands); with a growth stated, against the level it asks for, reached = green."""
    growth = rows["target_value"].to_numpy(dtype=float)
    required = _required(base, rows)
    status = Increase.of(period.config).classify(actual, required)
    reached = ~np.isnan(growth) & (required > 0) & (np.asarray(actual, dtype=float) >= required)
    return np.where(reached, str(GREEN), status).astype(object)


def explain_baseline(facts: Facts, period: Period, lang: str) -> str:
    actual, base, status = float(facts["actual"]), float(facts["baseline"]), facts["status"]
    growth = facts.get("target_value")
    bands = Increase.of(period.config)
    stated = growth is not None and growth == growth
    if stated:
        required = float(required_level([base], [growth], [facts.get("unit")], [facts.get("target")])[0])
    if lang == "en":
        asked = f", {num(required)} required by {facts.get('target')}" if stated else ""
        return f"value {num(actual)} against baseline {num(base)}{asked}: {status} ({bands.says(status, 'en')})"
    change = (actual / base - 1) if base else 0
    if stated:
        met = "达到" if status == str(GREEN) else "未达到"
        return f"实际值{num(actual)}，基期值{num(base)}（{change:+.1%}），目标{facts.get('target')}应达{num(required)}，{met}"
    return f"实际值{num(actual)}，基期值{num(base)}（{change:+.1%}），{bands.says(status)}"


def explain_reference(facts: Facts, period: Period, lang: str) -> str:
    actual, ref, status = float(facts["actual"]), float(facts["reference"]), facts["status"]
    if lang == "en":
        return f"value {num(actual)} against reference {num(ref)}: {status}"
    return f"实际值{num(actual)}，参考值{num(ref)}，{AboveReference.of(period.config).says(status)}"


def judge_rating(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The latest rating: 达成 green, 部分达成 yellow, 未达成 red; the likelihood is its outlook."""
    out = join(verdict(frame), measures["values"], "indicator_id")
    grey_where(out, out["kind"] == "not_applicable", Grey.NOT_APPLICABLE)
    todo = due_grey(out, period, "rating_month")
    rows = out.index[todo.to_numpy()]
    ratings = out.loc[rows, "latest_rating"].to_numpy(dtype=object)
    status = RatingBands.of(period.config).classify(ratings)
    likelihood = out.loc[rows, "likelihood"]
    put(out, rows, status=status)
    words = np.select(
        [ratings == Rating.ACHIEVED, ratings == Rating.PARTIAL],
        [RATING_ZH[Rating.ACHIEVED], RATING_ZH[Rating.PARTIAL]],
        "",
    )
    put(out, rows, actual=pd.Series(np.where(words == "", RATING_ZH[Rating.MISSED], words), index=rows, dtype=object))
    put(out, rows, projection=likelihood.map(LIKELIHOOD_ZH).astype(object))
    put(out, rows, at_risk=(status != str(GREEN)) | likelihood.isin(DOUBTFUL).to_numpy())
    return out


def explain_rating(facts: Facts, period: Period, lang: str) -> str:
    rating, likelihood = facts["latest_rating"], facts.get("likelihood")
    month = int(pd.Timestamp(facts["rating_month"]).month)
    if lang == "en":
        tail = f", likelihood {likelihood}" if isinstance(likelihood, str) else ""
        return f"rated {RATING_EN[rating]} in {period.year}-{month:02d}{tail}"
    extra = f"，完成目标可能性：{LIKELIHOOD_ZH[likelihood]}" if isinstance(likelihood, str) else ""
    bands = RatingBands.of(period.config)
    return f"{month}月评级：{RATING_ZH[rating]}{extra}（{'，'.join(text for _, text in bands.table())}）"


VALUE_DUE = "实际值按填报期填报（binding 的 due，默认 due.value_months）"
RULES = (
    Rule(
        RuleName.VALUE_LATEST,
        "indicator_value",
        ("values",),
        "最近一期填报的实际值，对照目标值：≤ 目标按上限、% 目标按比率、其余按数值（accumulate = true 时按累计进度）；"
        + VALUE_DUE,
        "以最近一期实际值为全年预计",
        DirectValue.of,
        judge_value,
        explain_value,
        ("实际值", "value"),
    ),
    Rule(
        RuleName.VALUE_SUM,
        "indicator_value",
        ("values",),
        "各期填报值之和（如事故起数），目标为零时无事件为绿灯，≤ 目标时按上限；" + VALUE_DUE,
        "以截至当月的合计为全年预计",
        ZeroEvents.of,
        judge_value_sum,
        explain_value_sum,
        ("事件数", "event count"),
    ),
    Rule(
        RuleName.VALUE_VS_BASELINE,
        "indicator_value, reference_value",
        ("values", "references"),
        "最近一期实际值 ÷ 基期值（上年同期）× 100（%）；目标写明增幅时（较上年增长10%、提高5个百分点、增加1万人次）"
        "对照应达水平（基期值 × 1.1、基期值 + 5、基期值 + 10000），达到为绿灯；" + VALUE_DUE,
        "以最近一期实际值为全年预计",
        Increase.of,
        _compared("baseline", Grey.NO_BASELINE, _judge_increase, _required),
        explain_baseline,
        ("实际值", "value"),
    ),
    Rule(
        RuleName.VALUE_VS_REFERENCE,
        "indicator_value, reference_value",
        ("values", "references"),
        "最近一期实际值对照参考值（如全市平均水平；目标为 ≥ 时持平即为绿灯）；" + VALUE_DUE,
        "以最近一期实际值为全年预计",
        AboveReference.of,
        _compared(
            "reference",
            Grey.NO_REFERENCE,
            lambda period, actual, ref, rows: AboveReference.of(period.config).classify(
                actual, ref, rows["operator"].to_numpy() != ">="
            ),
        ),
        explain_reference,
        ("实际值", "value"),
    ),
    Rule(
        RuleName.RATING,
        "indicator_value",
        ("values",),
        "最近一期评级（达成 / 部分达成 / 未达成），完成目标可能性为全年预计；" + VALUE_DUE,
        "完成目标可能性（确定能 / 有可能 / 不可能）",
        RatingBands.of,
        judge_rating,
        explain_rating,
        ("评级", "rating"),
    ),
)
