"""The words of qualitative judgement: the three official rating bands and 完成目标可能性 (docs/domain.md §3)."""

from __future__ import annotations

from enum import StrEnum


class Rating(StrEnum):
    ACHIEVED = "achieved"  # 达成年度指标
    PARTIAL = "partial"  # 部分达成年度指标并具有一定效果
    MISSED = "missed"  # 未达成年度指标且效果较差


class Likelihood(StrEnum):
    CERTAIN = "certain"  # 确定能
    POSSIBLE = "possible"  # 有可能
    IMPOSSIBLE = "impossible"  # 不可能


RATING_ZH = {Rating.ACHIEVED: "达成", Rating.PARTIAL: "部分达成", Rating.MISSED: "未达成"}
RATING_EN = {Rating.ACHIEVED: "achieved", Rating.PARTIAL: "partly achieved", Rating.MISSED: "not achieved"}
LIKELIHOOD_ZH = {Likelihood.CERTAIN: "确定能", Likelihood.POSSIBLE: "有可能", Likelihood.IMPOSSIBLE: "不可能"}
DOUBTFUL = (Likelihood.POSSIBLE, Likelihood.IMPOSSIBLE)  # these need 偏差原因 and 纠偏措施
