"""The light rules of DOMAIN.md §4 at their boundaries, numbers worked out by hand."""

import pytest

from metrics import lights
from core.config import load_config

CFG = load_config()
L = CFG["lights"]


@pytest.mark.parametrize(
    "actual,expected,status",
    [
        (14.39, 24, "red"),  # 59.96%
        (14.4, 24, "yellow"),  # exactly 60%
        (48, 80, "yellow"),  # exactly 60% (48 × 100 / 80)
        (19.19, 24, "yellow"),  # 79.96%
        (19.2, 24, "green"),  # exactly 80%
        (20, 24, "green"),  # 83%: DESIGN.md's example
        (28.79, 24, "green"),  # 119.96%
        (28.8, 24, "blue"),  # exactly 120%
        (26, 20, "blue"),  # 130%
        (0, 1, "red"),
    ],
)
def test_accumulating_boundaries(actual, expected, status):
    assert lights.accumulating(actual, expected, L)[0] == status


def test_accumulating_ratio_is_returned():
    assert lights.accumulating(20, 24, L)[1] == pytest.approx(83.333333333)


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
    assert lights.rate(actual, target, L) == status


def test_scores():
    assert lights.value_at_least(80, 80, L) == "green"
    assert lights.value_at_least(76, 80, L) == "yellow"  # within 5% of T
    assert lights.value_at_least(75.99, 80, L) == "red"
    assert lights.value_at_least(5, 5, L, strictly=True) == "yellow"


def test_at_most_and_response_times():
    one_hour = 1.0
    assert lights.at_most(3600 / 3600, one_hour, L) == "green"  # exactly one hour
    assert lights.at_most(3601 / 3600, one_hour, L) == "red"  # one second over
    tolerant = {**L, "at_most_yellow_tolerance": 0.1}
    assert lights.at_most(1.05, one_hour, tolerant) == "yellow"
    assert lights.at_most(1.11, one_hour, tolerant) == "red"


def test_zero_events():
    assert lights.zero_events(0) == "green"
    assert lights.zero_events(1) == "red"


def test_increase():
    assert lights.increase(101, 100, L)[0] == "green"
    assert lights.increase(100, 100, L)[0] == "yellow"  # level: not an increase
    assert lights.increase(90, 100, L)[0] == "yellow"  # exactly 90%
    assert lights.increase(89.99, 100, L)[0] == "red"
    assert lights.increase(9300, 63600, L)[0] == "red"  # the museum in June 2020


def test_reference_and_ratings():
    assert lights.above_reference(86, 82) == "green"
    assert lights.above_reference(82, 82) == "yellow"
    assert lights.above_reference(80, 82) == "red"
    assert [lights.rating(r) for r in ("achieved", "partial", "missed")] == ["green", "yellow", "red"]


def test_short_days():
    assert lights.short_days(0, L) == "green"
    assert lights.short_days(3, L) == "yellow"
    assert lights.short_days(4, L) == "red"


B = CFG["budget"]


def test_budget_ratio_mode():
    # x = 执行率 ÷ time progress × 100
    assert lights.budget(0.398, 0.5, B)[0] == "yellow"  # 79.6: DOMAIN.md's example
    assert lights.budget(0.4, 0.5, B) == ("green", 80.0)  # exactly 80
    assert lights.budget(0.3, 0.5, B) == ("yellow", 60.0)  # exactly 60
    assert lights.budget(0.2995, 0.5, B)[0] == "red"  # 59.9
    assert lights.budget(0.5, 0.5, B)[0] == "green"  # exactly at time progress


def test_budget_gap_mode():
    gap = {**B, "mode": "gap"}
    assert lights.budget(0.398, 0.5, gap)[0] == "red"  # 10.2 points behind: red where ratio mode says yellow
    assert lights.budget(0.5, 0.5, gap)[0] == "green"  # exactly at time progress
    assert lights.budget(0.401, 0.5, gap)[0] == "yellow"  # 9.9 points behind
    assert lights.budget(0.4, 0.5, gap)[0] == "red"  # exactly 10 points behind


def test_worst():
    assert lights.worst(["green", "blue", "yellow"]) == "yellow"
    assert lights.worst(["green", "grey"]) == "grey"
    assert lights.worst(["red", "grey"]) == "red"
    assert lights.worst(["blue", "green"]) == "green"
    assert lights.worst([]) == "grey"
