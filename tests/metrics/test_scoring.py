"""Self-evaluation scoring (DOMAIN.md §5) with the numbers worked out by hand."""

import pytest

from metrics import scoring
from core.config import load_config

CFG = load_config()["scoring"]


def test_worked_example_from_a_shanghai_district_form():
    # budget 250,000.00, executed 215,457.60 → 执行率 86.18% → 8.62 points
    rate, points = scoring.execution(215457.60, 250000.00, 10)
    assert (rate, points) == (0.8618, 8.62)
    # five indicators all met, weights 10/20/20/30/10 → 90
    indicators = [scoring.money2(scoring.at_least(1, 1, w)) for w in (10, 20, 20, 30, 10)]
    total = scoring.money2(points + sum(indicators))
    assert (sum(indicators), total, scoring.grade(total, CFG)) == (90, 98.62, "优")


def test_execution_is_capped_at_100_percent():
    assert scoring.execution(260000, 250000, 10) == (1.0, 10.0)
    assert scoring.execution(0, 0, 10) == (0.0, 0.0)


def test_at_least_and_equal():
    assert scoring.at_least(98, 98, 20) == 20
    assert scoring.at_least(49, 98, 20) == 10  # half the target: half the points
    assert scoring.at_least(150, 98, 20) == 20  # no bonus above full marks


def test_at_most_halfway_to_twice_the_limit_is_half_marks():
    assert scoring.at_most(90, 90, 10) == 10
    assert scoring.at_most(135, 90, 10) == pytest.approx(5)  # 10 × (1 − 45/90)
    assert scoring.at_most(180, 90, 10) == 0  # twice the limit
    assert scoring.at_most(200, 90, 10) == 0


def test_zero_events():
    assert scoring.zero_events(0, 15) == 15
    assert scoring.zero_events(1, 15) == 0


def test_qualitative_bands():
    assert scoring.band("achieved", 10, CFG) == 10  # top of 80–100%
    assert scoring.band("partial", 10, CFG) == 8  # top of 60–80%
    assert scoring.band("missed", 10, CFG) == 6  # top of 0–60%
    assert scoring.band("partial", 10, CFG, pick=0.65) == pytest.approx(6.5)
    assert scoring.band("partial", 10, CFG, pick=0.95) == 8  # a pick outside the band is held to it


@pytest.mark.parametrize(
    "total,grade",
    [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差")],
)
def test_grade_boundaries(total, grade):
    assert scoring.grade(total, CFG) == grade


def W(key, level, weight=None, applicable=True):
    return scoring.Weighted(key, level, weight, applicable)


def test_weights_default_shares_and_a_missing_level():
    # no 满意度 indicator: its 10 points go to 产出 and 效益 in proportion 50:30 → 56.25 and 33.75
    weights, problems = scoring.distribute(
        [W(1, "产出指标"), W(2, "产出指标"), W(3, "产出指标"), W(4, "效益指标"), W(5, "效益指标")], CFG
    )
    assert weights == {1: 18.75, 2: 18.75, 3: 18.75, 4: 16.88, 5: 16.87}
    assert sum(weights.values()) == pytest.approx(90) and problems == []


def test_all_levels_present():
    weights, _ = scoring.distribute([W(1, "产出指标"), W(2, "效益指标"), W(3, "满意度指标")], CFG)
    assert weights == {1: 50, 2: 30, 3: 10}


def test_not_applicable_is_dropped_and_the_rest_rescaled():
    weights, _ = scoring.distribute(
        [W(1, "产出指标"), W(2, "产出指标", applicable=False), W(3, "效益指标"), W(4, "满意度指标", applicable=False)],
        CFG,
    )
    assert weights == {1: 56.25, 2: 0.0, 3: 33.75, 4: 0.0}
    assert sum(weights.values()) == 90


def test_children_must_sum_to_the_parent():
    weights, problems = scoring.distribute(
        [
            W(1, "产出指标", 30),
            W(2, "产出指标", 20),
            W(3, "效益指标", 20),
            W(4, "效益指标", 10),
            W(5, "满意度指标", 10),
        ],
        CFG,
    )
    assert problems == [] and weights[1] == 30 and weights[3] == 20
    _, problems = scoring.distribute(
        [W(1, "产出指标", 30), W(2, "产出指标", 10), W(3, "效益指标", 30), W(4, "满意度指标", 10)], CFG
    )
    assert problems == ["产出指标的三级指标分值合计40，不等于产出指标的分值50"]


def test_even_split_adds_up():
    assert scoring.split_evenly(33.75, 2) == [16.88, 16.87]
    assert sum(scoring.split_evenly(90, 7)) == pytest.approx(90)
    assert scoring.money2(0.125) == 0.13 and scoring.money2(8.6183) == 8.62
