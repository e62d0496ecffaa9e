"""Budget rules: 执行率 and 到位率 as accumulating lights, and 预算执行及时性 = the project's budget light."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from core.config import BudgetMode
from metrics.lights import GREY, RED, YELLOW, Accumulating, Achieved, BudgetPace
from metrics.rules.base import (
    AS_OF,
    Facts,
    Grey,
    Period,
    Rule,
    RuleName,
    accumulate,
    as_of,
    explain_accumulating,
    explain_grey,
    grey_where,
    join,
    missing_months,
    months_zh,
    pct,
    stream_missing,
    time_progress,
    verdict,
)

WHAT = ("预算执行", "budget")


def project_budget_lights(budget: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per project (rows of the ``measures.BUDGET`` measure): the budget light, the figure it used, and why grey."""
    bands = BudgetPace.at(period.config, period.final)
    columns = ["project_id", "spent", "execution_rate", "budget_in_force", "adjusted_month", "months_mask", "n_months"]
    out = budget[[*columns, AS_OF]] if AS_OF in budget.columns else budget[columns]
    out = out.copy()
    rate = out["execution_rate"].to_numpy(dtype=float)
    progress = time_progress(out, period)
    figure = bands.figure(rate, progress)
    status = bands.classify(rate, progress)
    missing = out["n_months"].fillna(0).to_numpy() < as_of(out, period)
    no_budget = ~missing & np.isnan(rate)
    out["budget_status"] = np.where(missing | no_budget, str(GREY), status)
    out["budget_figure"] = figure
    out["budget_grey"] = np.where(missing, str(Grey.STREAM_MISSING), np.where(no_budget, str(Grey.NO_BUDGET), ""))
    return out


def explain_budget_light(facts: Facts, period: Period, lang: str) -> str:
    """截至6月执行率39.8%，时间进度50.0%，执行率÷时间进度=79.6%，60%–80%为黄灯 (in the configured mode)."""
    m = period.month
    grey = facts.get("budget_grey")
    if grey == Grey.STREAM_MISSING:
        missing = missing_months(facts.get("months_mask"), m)
        return f"{months_zh(missing)}预算执行未填报" if lang != "en" else f"budget not reported for months {missing}"
    if grey == Grey.NO_BUDGET:
        return explain_grey({"grey": grey}, period, lang, WHAT)
    if facts.get("budget_status") in (None, GREY) or grey is None:
        return "无预算执行数据" if lang != "en" else "no budget data"
    bands = BudgetPace.at(period.config, period.final)
    rate, tp, figure, status = (
        facts["execution_rate"],
        period.time_progress,
        facts["budget_figure"],
        facts["budget_status"],
    )
    basis = adjusted_basis(facts, lang)
    if bands.mode == BudgetMode.GAP:
        lag = max(figure, 0)
        if lang == "en":
            return f"executed {pct(rate)} at time progress {pct(tp)}: {lag:.1f} points behind, {status}{basis}"
        return f"截至{m}月执行率{pct(rate)}，时间进度{pct(tp)}，落后{lag:.1f}个百分点，{bands.says(status)}{basis}"
    if lang == "en":
        return f"executed {pct(rate)} at time progress {pct(tp)}: {figure:.1f}% of pace, {status}{basis}"
    return f"截至{m}月执行率{pct(rate)}，时间进度{pct(tp)}，执行率÷时间进度={figure:.1f}%，{bands.says(status)}{basis}"


def adjusted_basis(facts: Facts, lang: str) -> str:
    """When a 预算调整 is in force: the rate is of the adjusted budget, from its month."""
    month = facts.get("adjusted_month")
    if month is None or month != month:
        return ""
    m, budget = pd.Timestamp(month).month, float(facts["budget_in_force"])
    if lang == "en":
        return f" (of the budget adjusted to {budget:,.2f} from month {m})"
    return f"（按{m}月调整后预算{budget:,.2f}元计）"


def _judge_rate(column: str):
    def judge(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
        out = join(verdict(frame), measures["budget"], "project_id")
        todo = stream_missing(out, period)
        todo = grey_where(out, todo & out[column].isna(), Grey.NO_BUDGET)
        target = out["target_value"].fillna(100.0).to_numpy(dtype=float)
        accumulate(out, todo, out[column].to_numpy(dtype=float) * 100, target, period)
        return out

    return judge


def _explain_rate(label: str, label_en: str, measures: tuple[str, str]):
    """``measures``: what the light measures, said first, so a leader sees why it differs from 及时性."""

    def explain(facts: Facts, period: Period, lang: str) -> str:
        said = explain_accumulating(facts, period, lang, lambda v: f"{v:.1f}%", label, label_en)
        target = facts.get("target")
        aim = (f"（目标{target}）" if lang != "en" else f" (target {target})") if target else ""
        lead = f"{measures[0]}{aim}：" if lang != "en" else f"{measures[1]}{aim}: "
        return lead + said + adjusted_basis(facts, lang)

    return explain


# What each budget light measures, said at the start of its explanation: the same 39.8% at June can be
# green for 执行率 (against the target's share of the year's budget) and yellow for 及时性 (against time).
RATE_MEASURES = (
    "执行率衡量已支出占全年预算的比例，对照目标按进度折算",
    "execution measures spending against the year's budget and its target",
)
FUNDS_MEASURES = (
    "到位率衡量已到位资金占全年预算的比例，对照目标按进度折算",
    "funds received against the year's budget and its target",
)
TIMELINESS_MEASURES = (
    "及时性衡量执行率是否跟上时间进度（月份/12）",
    "timeliness measures execution against time progress (month/12)",
)


def judge_timeliness(frame: pd.DataFrame, measures: Mapping[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """The project's budget light is the indicator's light; actual 执行率 and expected time progress in %."""
    out = join(verdict(frame), measures["budget_light"], "project_id")
    status = out["budget_status"].fillna(str(GREY)).to_numpy(dtype=object)
    judged = status != str(GREY)
    out["status"] = status
    rate = np.round(out["execution_rate"].to_numpy(dtype=float) * 100, 2)
    out["actual"] = pd.Series(np.where(judged, rate, np.nan), index=out.index, dtype=object).where(judged, None)
    progress = np.round(np.broadcast_to(time_progress(out, period), len(out)) * 100, 2)  # m/12 in %: no half cents
    out["expected"] = np.where(judged, progress, np.nan)
    out["at_risk"] = np.isin(status, [str(RED), str(YELLOW)])
    # a grey budget light explains itself (explain_budget_light), so ``grey`` stays empty here
    return out


def explain_timeliness(facts: Facts, period: Period, lang: str) -> str:
    said = explain_budget_light(facts, period, lang)
    if facts.get("budget_status") in (None, GREY) or facts.get("budget_grey"):
        return said
    return (f"{TIMELINESS_MEASURES[0]}：" if lang != "en" else f"{TIMELINESS_MEASURES[1]}: ") + said


RULES = (
    Rule(
        RuleName.BUDGET_EXECUTION_RATE,
        "budget_month",
        ("budget",),
        "执行率 = 累计支出 ÷ 当年预算 × 100（%）；期望值 = 目标值（默认100%）× 月份/12，或分阶段计划",
        "有计划时：实际 + 计划剩余进度；否则按当前进度：实际 × 12 ÷ 月份",
        Accumulating.of,
        _judge_rate("execution_rate"),
        _explain_rate("执行率", "execution", RATE_MEASURES),
        WHAT,
        final_bands=Achieved.of,
    ),
    Rule(
        RuleName.BUDGET_FUNDS_RATE,
        "budget_month",
        ("budget",),
        "资金到位率 = 累计到位资金 ÷ 当年预算 × 100（%）；期望值同执行率",
        "同执行率",
        Accumulating.of,
        _judge_rate("funds_rate"),
        _explain_rate("资金到位率", "funds received", FUNDS_MEASURES),
        WHAT,
        final_bands=Achieved.of,
    ),
    Rule(
        RuleName.BUDGET_TIMELINESS,
        "budget_month",
        ("budget",),
        "执行率对照时间进度（月份/12），按配置的模式（ratio：执行率÷时间进度×100；gap：落后的百分点）",
        "不预测；红灯、黄灯即有风险",
        BudgetPace.of,
        judge_timeliness,
        explain_timeliness,
        WHAT,
        final_bands=BudgetPace.final,
    ),
)
