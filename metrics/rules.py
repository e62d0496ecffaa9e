"""How an indicator's actual is obtained: the rules an indicator can be bound to, and the stream each reads."""

from __future__ import annotations

# rule → (stream table it reads, what it computes)
RULES: dict[str, tuple[str, str]] = {
    "budget_execution_rate": ("budget_month", "累计支出 ÷ 当年预算（%）"),
    "budget_funds_rate": ("budget_month", "累计到位资金 ÷ 当年预算（%）"),
    "budget_timeliness": ("budget_month", "执行率对照时间进度"),
    "hotline_accept_rate": ("hotline", "接单数 ÷ 受理工单数（%）"),
    "hotline_ontime_rate": ("hotline", "按期接单数 ÷ 受理工单数（%）"),
    "hotline_close_rate": ("hotline", "办结数 ÷ 受理工单数（%）"),
    "opinion_daily_hours": ("opinion_hours", "每日监控时长（小时），不足目标的天数"),
    "opinion_report_within": ("opinion_event", "出现至上报用时（小时）：限时内上报的比例与最长用时"),
    "visitors_yoy": ("visitors_month", "累计参观人数、次数对比上年同期"),
    "deliverable_count": ("deliverable_month", "累计完成数量"),
    "value_latest": ("indicator_value", "最近一期填报的实际值"),
    "value_sum": ("indicator_value", "各期填报值之和（如事故起数）"),
    "value_vs_baseline": ("indicator_value", "最近一期实际值对比基期值"),
    "value_vs_reference": ("indicator_value", "最近一期实际值对比参考值"),
    "rating": ("indicator_value", "最近一期评级（达成 / 部分达成 / 未达成）"),
}

# The rule an indicator gets when the bindings say nothing, by the kind of its target.
DEFAULT_RULE = {
    "at_least": "value_latest",
    "at_most": "value_latest",
    "equal": "value_latest",
    "zero_events": "value_sum",
    "increase": "value_vs_baseline",
    "above_reference": "value_vs_reference",
    "qualitative": "rating",
    "deadline": "rating",
    "not_applicable": "rating",
}
