"""Self-evaluation scoring (docs/domain.md §5) with the numbers worked out by hand."""

import dataclasses
import random

import pytest

from core.config import load_config
from metrics import scoring

CFG = load_config().scoring  # the file's defaults: budget 10, 产出 50 / 效益 30 / 满意度 10


def cents(values) -> int:
    """A sum in whole cents, free of float noise: each share must itself be a whole number of cents."""
    out = 0
    for v in values:
        c = round(v * 100)
        assert abs(v * 100 - c) < 1e-6, f"{v} is not a whole number of cents"
        out += c
    return out


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


def test_bands_follow_the_configuration():
    narrow = dataclasses.replace(CFG, band_top={**CFG.band_top, "partial": 0.7})
    assert scoring.band("partial", 10, narrow) == 7


@pytest.mark.parametrize(
    "total,grade",
    [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差")],
)
def test_grade_boundaries(total, grade):
    assert scoring.grade(total, CFG) == grade


# --- apportion: largest remainder on cents -------------------------------------------------------


def test_apportion_even_split_of_100_in_three():
    # 10000 cents ÷ 3 = 3333⅓ each: 3333 each (9999) and the 1 cent left goes to the first (ties by order)
    assert scoring.apportion(100, [1, 1, 1]) == [33.34, 33.33, 33.33]


def test_apportion_three_equal_printed_weights_rescaled_to_50():
    # 7, 7, 7 → 50: 5000 ÷ 3 = 1666⅔ each; 1666 each (4998), the 2 cents left go to the first two
    assert scoring.apportion(50, [7, 7, 7]) == [16.67, 16.67, 16.66]


def test_apportion_uneven_weights_go_to_the_largest_remainder():
    # 3 : 5 : 7 of 50 → quotas 1000, 1666⅔, 2333⅓ cents; floors 1000 + 1666 + 2333 = 4999; the cent goes to ⅔
    assert scoring.apportion(50, [3, 5, 7]) == [10.00, 16.67, 23.33]
    # 90 over 50 : 30 → 56.25 and 33.75 exactly (no remainder at all)
    assert scoring.apportion(90, [50, 30]) == [56.25, 33.75]
    # 33.75 in two → 1687.5 each: 1687 + 1687 and the cent to the first
    assert scoring.apportion(33.75, [1, 1]) == [16.88, 16.87]


def test_apportion_edge_cases():
    assert scoring.apportion(90, []) == []
    assert scoring.apportion(0, [1, 2]) == [0.0, 0.0]
    assert scoring.apportion(10, [0, 0]) == [5.0, 5.0]  # weights summing to 0 share evenly
    assert scoring.apportion(10, [0, 3]) == [0.0, 10.0]
    with pytest.raises(ValueError):
        scoring.apportion(10, [-1, 2])


def test_apportion_is_exact_to_the_cent_for_random_weights():
    rng = random.Random(20200601)
    for _ in range(2000):
        n = rng.randint(1, 15)
        total = rng.choice([100, 90, 80, 50, 56.25, 33.75, rng.randint(0, 10000) / 100])
        weights = [rng.choice([rng.randint(0, 40), round(rng.uniform(0, 30), rng.randint(0, 3))]) for _ in range(n)]
        shares = scoring.apportion(total, weights)
        assert cents(shares) == round(total * 100), (total, weights, shares)
        if sum(weights):
            # no share is more than one cent away from its exact quota
            for w, s in zip(weights, shares, strict=True):
                assert abs(s - total * w / sum(weights)) < 0.01 + 1e-9


# --- distribute: each level's points over its indicators -----------------------------------------


def W(key, level, weight=None, applicable=True):
    return scoring.Weighted(key, level, weight, applicable)


def test_printed_10x6_and_20x2_add_up_to_exactly_100():
    # Printed 分值: six 产出 indicators of 10 (60) and two 效益 indicators of 20 (40); no 满意度 indicator.
    # Levels: 90 over 产出 : 效益 = 50 : 30 → 56.25 and 33.75.
    # 产出: 5625 cents over six equal 分值 = 937.5 each → 937 × 6 = 5622, 3 cents left to the first three.
    # 效益: 3375 cents over two equal 分值 = 1687.5 each → 1687 × 2 = 3374, 1 cent left to the first.
    # (Rounding each rescaled share one by one gave 9.38 × 6 + 16.88 × 2 = 90.04, and a 总分 of 100.04.)
    indicators = [W(k, "产出指标", 10) for k in range(1, 7)] + [W(7, "效益指标", 20), W(8, "效益指标", 20)]
    weights, problems = scoring.distribute(indicators, CFG)
    assert weights == {1: 9.38, 2: 9.38, 3: 9.38, 4: 9.37, 5: 9.37, 6: 9.37, 7: 16.88, 8: 16.87}
    assert cents(weights.values()) == 9000
    assert all(scoring.money2(w) == w for w in weights.values())  # the form's money2 changes nothing
    # everything met: each indicator scores its full 分值, the budget its 10 → 总分 100.00 exactly
    _, budget_points = scoring.execution(250000, 250000, CFG.budget_weight)
    scores = [scoring.money2(scoring.at_least(1, 1, w)) for w in weights.values()]
    assert scoring.money2(budget_points + sum(scores)) == 100.00
    assert cents([budget_points, *scores]) == 10000
    # the printed 60 is neither 产出's weight (50) nor its points here (56.25): reported, and rescaled to fit
    assert problems == [
        "产出指标的三级指标分值合计60，不等于产出指标的分值56.25",
        "效益指标的三级指标分值合计40，不等于效益指标的分值33.75",
    ]


def test_printed_shares_that_once_came_to_99_98():
    # Printed 分值: six 产出 of 10 (60, rescaled to the level's 50), three 效益 of 10 (30), two 满意度 of 5 (10).
    # One by one, 50 × 10/60 = 8.333… printed 8.33 six times = 49.98, and the 总分 came to 99.98.
    # Now: 5000 cents over six = 833⅓ each → 833 × 6 = 4998, the 2 cents left to the first two.
    indicators = (
        [W(k, "产出指标", 10) for k in range(1, 7)]
        + [W(k, "效益指标", 10) for k in (7, 8, 9)]
        + [W(k, "满意度指标", 5) for k in (10, 11)]
    )
    weights, problems = scoring.distribute(indicators, CFG)
    assert [weights[k] for k in range(1, 7)] == [8.34, 8.34, 8.33, 8.33, 8.33, 8.33]
    assert [weights[k] for k in range(7, 12)] == [10, 10, 10, 5, 5]
    assert cents([CFG.budget_weight, *weights.values()]) == 10000
    assert problems == ["产出指标的三级指标分值合计60，不等于产出指标的分值50"]


def test_weights_default_shares_and_a_missing_level():
    # no 满意度 indicator: its 10 points go to 产出 and 效益 in proportion 50:30 → 56.25 and 33.75
    weights, problems = scoring.distribute(
        [W(1, "产出指标"), W(2, "产出指标"), W(3, "产出指标"), W(4, "效益指标"), W(5, "效益指标")], CFG
    )
    assert weights == {1: 18.75, 2: 18.75, 3: 18.75, 4: 16.88, 5: 16.87}
    assert cents(weights.values()) == 9000 and problems == []


def test_all_levels_present():
    weights, _ = scoring.distribute([W(1, "产出指标"), W(2, "效益指标"), W(3, "满意度指标")], CFG)
    assert weights == {1: 50, 2: 30, 3: 10}


def test_even_split_of_a_level_in_three_and_seven():
    weights, _ = scoring.distribute(
        [W(1, "产出指标"), W(2, "产出指标"), W(3, "产出指标"), *(W(k, "效益指标") for k in range(4, 11))], CFG
    )
    # 满意度 missing: 56.25 / 33.75; 产出 5625 ÷ 3 = 1875 each; 效益 3375 ÷ 7 = 482⅐ → 482 × 7 = 3374, +1 to the first
    assert [weights[k] for k in (1, 2, 3)] == [18.75, 18.75, 18.75]
    assert [weights[k] for k in range(4, 11)] == [4.83, 4.82, 4.82, 4.82, 4.82, 4.82, 4.82]
    assert cents(weights.values()) == 9000


def test_not_applicable_is_dropped_and_the_rest_rescaled():
    weights, _ = scoring.distribute(
        [W(1, "产出指标"), W(2, "产出指标", applicable=False), W(3, "效益指标"), W(4, "满意度指标", applicable=False)],
        CFG,
    )
    assert weights == {1: 56.25, 2: 0.0, 3: 33.75, 4: 0.0}
    assert cents(weights.values()) == 9000


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


def test_another_budget_weight_and_level_weights():
    # budget 20: 80 over 50 : 30 : 10 → quotas 4444.44, 2666.67, 888.89 cents; floors 7998, the 2 cents to .89 and .67
    sc = dataclasses.replace(CFG, budget_weight=20)
    weights, _ = scoring.distribute([W(1, "产出指标"), W(2, "效益指标"), W(3, "满意度指标")], sc)
    assert weights == {1: 44.44, 2: 26.67, 3: 8.89}
    # 产出 60 : 效益 40 (满意度 not given, so 0): 90 → 54 and 36, and a 满意度 indicator gets no 分值
    sc = dataclasses.replace(CFG, level_weights={"产出指标": 60, "效益指标": 40, "满意度指标": 0})
    weights, _ = scoring.distribute([W(1, "产出指标"), W(2, "效益指标"), W(3, "效益指标"), W(4, "满意度指标")], sc)
    assert weights == {1: 54, 2: 18, 3: 18, 4: 0}


def test_only_zero_weight_levels_is_reported():
    sc = dataclasses.replace(CFG, level_weights={"产出指标": 60, "效益指标": 40, "满意度指标": 0})
    weights, problems = scoring.distribute([W(1, "满意度指标"), W(2, "其他")], sc)
    assert weights == {1: 0.0, 2: 0.0}
    assert problems == ["满意度指标的权重均为0，三级指标没有分值"]


def test_random_weight_sets_total_exactly():
    rng = random.Random(10)
    levels = list(CFG.level_weights)
    for _ in range(500):
        budget = rng.choice([10, 20, 15.5, rng.randint(1, 9999) / 100])
        level_weights = {lvl: rng.choice([0, rng.randint(1, 60), round(rng.uniform(0, 60), 2)]) for lvl in levels}
        if not any(level_weights.values()):
            level_weights[levels[0]] = 1
        sc = dataclasses.replace(CFG, budget_weight=budget, level_weights=level_weights)
        indicators = []
        for lvl in levels:
            printed = rng.random() < 0.5
            for _ in range(rng.randint(1, 9)):
                weight = rng.choice([5, 10, 20, 7, 3.33]) if printed else None
                indicators.append(W(len(indicators), lvl, weight, rng.random() < 0.9))
        weights, _ = scoring.distribute(indicators, sc)
        present = {i.level for i in indicators if i.applicable}
        if any(level_weights[lvl] for lvl in present):
            assert cents([budget, *weights.values()]) == 10000, (budget, level_weights, indicators)
        assert all(weights[i.key] == 0 for i in indicators if not i.applicable)
