"""The light rules of docs/domain.md §4 at their boundaries, numbers worked out by hand."""

from dataclasses import replace

import pytest

from core.config import BudgetMode, load_config
from metrics import lights
from metrics.lights import (
    AboveReference,
    Accumulating,
    AtLeastValue,
    AtMost,
    BudgetPace,
    Increase,
    Rate,
    RatingBands,
    ShortDays,
    ZeroEvents,
)

CFG = load_config()


@pytest.mark.parametrize(
    "actual,expected,status",
    [
        (14.39, 24, "red"),  # 59.96%
        (14.4, 24, "yellow"),  # exactly 60%
        (48, 80, "yellow"),  # exactly 60% (48 × 100 / 80)
        (19.19, 24, "yellow"),  # 79.96%
        (19.2, 24, "green"),  # exactly 80%
        (20, 24, "green"),  # 83%: docs/design.md's example
        (28.79, 24, "green"),  # 119.96%
        (28.8, 24, "blue"),  # exactly 120%
        (26, 20, "blue"),  # 130%
        (0, 1, "red"),
    ],
)
def test_accumulating_boundaries(actual, expected, status):
    assert Accumulating.of(CFG).light(lights.percent(actual, expected)) == status


def test_accumulating_ratio_is_returned():
    assert lights.percent(20, 24) == pytest.approx(83.333333333)
    assert lights.percent(48, 80) == 60  # exactly, so the bound is inclusive


@pytest.mark.parametrize(
    "actual,target,status",
    [
        (95, 95, "green"),
        (99.9, 95, "green"),
        (94.99, 95, "yellow"),
        (90.01, 95, "yellow"),
        (90, 95, "red"),
        (100, 100, "green"),
    ],
)
def test_rates_are_compared_directly(actual, target, status):
    assert Rate.of(CFG).light(actual, target) == status


def test_scores():
    assert AtLeastValue.of(CFG).light(80, 80) == "green"
    assert AtLeastValue.of(CFG).light(76, 80) == "yellow"  # within 5% of T
    assert AtLeastValue.of(CFG).light(75.99, 80) == "red"
    assert AtLeastValue.of(CFG).light(5, 5, True) == "yellow"


def test_at_most_and_response_times():
    one_hour = 1.0
    assert AtMost.of(CFG).light(3600 / 3600, one_hour) == "green"  # exactly one hour
    assert AtMost.of(CFG).light(3601 / 3600, one_hour) == "red"  # one second over
    tolerant = AtMost(0.1)
    assert tolerant.light(1.05, one_hour) == "yellow"
    assert tolerant.light(1.11, one_hour) == "red"


def test_zero_events():
    assert ZeroEvents().light(0) == "green"
    assert ZeroEvents().light(1) == "red"


def test_increase():
    assert Increase.of(CFG).light(101, 100) == "green"
    assert Increase.of(CFG).light(100, 100) == "yellow"  # level: not an increase
    assert Increase.of(CFG).light(90, 100) == "yellow"  # exactly 90%
    assert Increase.of(CFG).light(89.99, 100) == "red"
    assert Increase.of(CFG).light(9300, 63600) == "red"  # the museum in June 2020


def test_reference_and_ratings():
    assert AboveReference().light(86, 82) == "green"
    assert AboveReference().light(82, 82) == "yellow"
    assert AboveReference().light(80, 82) == "red"
    assert [RatingBands().light(r) for r in ("achieved", "partial", "missed")] == ["green", "yellow", "red"]


def test_short_days():
    assert ShortDays.of(CFG).light(0) == "green"
    assert ShortDays.of(CFG).light(3) == "yellow"
    assert ShortDays.of(CFG).light(4) == "red"


RATIO = BudgetPace.of(CFG)
GAP = BudgetPace.of(replace(CFG, budget=replace(CFG.budget, mode=BudgetMode.GAP)))


def test_budget_ratio_mode():
    # x = 执行率 ÷ time progress × 100
    assert RATIO.light(0.398, 0.5) == "yellow"  # 79.6: docs/domain.md's example
    assert RATIO.light(0.4, 0.5) == "green" and RATIO.figure(0.4, 0.5) == 80.0  # exactly 80
    assert RATIO.light(0.3, 0.5) == "yellow" and RATIO.figure(0.3, 0.5) == 60.0  # exactly 60
    assert RATIO.light(0.2995, 0.5) == "red"  # 59.9
    assert RATIO.light(0.5, 0.5) == "green"  # exactly at time progress


def test_budget_gap_mode():
    assert GAP.light(0.398, 0.5) == "red"  # 10.2 points behind: red where ratio mode says yellow
    assert GAP.light(0.5, 0.5) == "green"  # exactly at time progress
    assert GAP.light(0.401, 0.5) == "yellow"  # 9.9 points behind
    assert GAP.light(0.4, 0.5) == "red"  # exactly 10 points behind


def test_worst():
    assert lights.worst(["green", "blue", "yellow"]) == "yellow"
    assert lights.worst(["green", "grey"]) == "grey"
    assert lights.worst(["red", "grey"]) == "red"
    assert lights.worst(["blue", "green"]) == "green"
    assert lights.worst([]) == "grey"


def test_bands_say_the_bounds_they_judge_by():
    """The words come from the same object as the light: change a bound and both change."""
    default = Accumulating.of(CFG)
    assert [text for _, text in default.table()] == [
        "低于60%为红灯",
        "60%–80%为黄灯",
        "80%–120%为绿灯",
        "≥120%为蓝灯（超前或目标偏低）",
    ]
    moved = Accumulating.of(replace(CFG, lights=replace(CFG.lights, accumulating_blue_from=140)))
    assert moved.light(130) == "green" and moved.says("green") == "80%–140%为绿灯"
    assert default.light(130) == "blue"
    assert Rate(2.5).says("yellow") == "差距小于2.5个百分点为黄灯"
    assert ShortDays(3).says("red") == "超过3天为红灯"
    assert GAP.says("yellow") == "落后不足10个百分点为黄灯"
    assert RATIO.says("yellow") == "60%–80%为黄灯"


def test_bands_classify_whole_arrays_as_one_at_a_time():
    """The bulk path and the one-figure path are the same code: the same answer for every figure."""
    figures = [0, 59.999, 60, 79.99, 80, 119.99, 120, 500]
    bands = Accumulating.of(CFG)
    assert list(bands.classify(figures)) == [bands.light(x) for x in figures]
    assert list(bands.classify(figures)) == ["red", "red", "yellow", "yellow", "green", "green", "blue", "blue"]
