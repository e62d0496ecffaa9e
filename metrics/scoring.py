"""Year-end self-evaluation scoring (docs/domain.md §5): 执行率 points, indicator points by kind, total and grade.

Scores are printed with two decimals, rounded half up, as the forms print them; the
total is the sum of the printed figures.  Weights come from ``Config.scoring`` and are
spread over a level's indicators in equal shares unless the target table gives each
indicator its 分值.  Every split is apportioned on cents by largest remainder
(``apportion``), so the shares add up exactly to what is split and the 分值 of a form
total exactly 100.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from core.config import Scoring

SCORED_LEVELS = ("产出指标", "效益指标", "满意度指标")


def money2(x: float) -> float:
    """Round half up to two decimals (8.6183 → 8.62, 0.125 → 0.13)."""
    return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _cents(x: float) -> int:
    """``x`` in whole cents, rounded half up."""
    return int(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def apportion(total: float, weights: list[float]) -> list[float]:
    """``total`` (to the cent) in shares proportional to ``weights``, each in whole cents, adding up exactly.

    Largest remainder: every share first gets the cents below its exact quota, and the cents
    left over go one each to the largest fractions, ties to the earlier share.  Weights that
    sum to 0 share the total evenly.  90 over 50:30 is 56.25 + 33.75; 33.75 in two is
    16.88 + 16.87; 100 in three is 33.34 + 33.33 + 33.33.
    """
    if not weights:
        return []
    exact = [Fraction(Decimal(str(w))) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError(f"weights must not be negative: {weights}")
    if sum(exact) == 0:
        exact = [Fraction(1)] * len(exact)
    cents = _cents(total)
    whole = sum(exact)
    quotas = [cents * w / whole for w in exact]
    shares = [q.numerator // q.denominator for q in quotas]
    left = cents - sum(shares)
    by_remainder = sorted(range(len(quotas)), key=lambda k: (-(quotas[k] - shares[k]), k))
    for k in by_remainder[:left]:
        shares[k] += 1
    return [s / 100 for s in shares]


def execution(executed: float, budget: float, weight: float) -> tuple[float, float]:
    """执行率 = 全年执行数 ÷ 全年预算数, capped at 100%, and its points = weight × 执行率.

    Returns the rate to four decimals (86.18% is 0.8618) and the points to two.
    """
    if not budget:
        return 0.0, 0.0
    rate = min(executed / budget, 1.0)
    shown = float(Decimal(str(rate)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return shown, money2(weight * shown)


def at_least(actual: float, target: float, weight: float) -> float:
    """ "At least" and "equal" with T > 0: full marks at or above T, else weight × A ÷ T; no bonus."""
    if target <= 0:
        return weight if actual >= target else 0.0
    return weight if actual >= target else weight * max(actual, 0.0) / target


def at_most(actual: float, limit: float, weight: float) -> float:
    """Lower is better: full at or under T; weight × (1 − (A − T) ÷ T) between T and 2T; 0 from 2T."""
    if actual <= limit:
        return weight
    if limit <= 0 or actual >= 2 * limit:
        return 0.0
    return weight * (1 - (actual - limit) / limit)


def zero_events(count: float, weight: float) -> float:
    return weight if count == 0 else 0.0


def band(rating: str, weight: float, scoring: Scoring, pick: float | None = None) -> float:
    """Qualitative: points within the rating's band; ``pick`` (a share) if the scorer chose one, else the top."""
    top, bottom = scoring.band_top[rating], scoring.band_bottom[rating]
    share = top if pick is None else min(max(pick, bottom), top)
    return weight * share


def grade(total: float, scoring: Scoring) -> str:
    """优 90–100, 良 80–89.99, 中 60–79.99, 差 below 60."""
    for floor, name in scoring.grades:
        if total >= floor:
            return name
    return scoring.grades[-1][1]


@dataclass(frozen=True)
class Weighted:
    """An indicator to weigh: its form level, its own 分值 if the table gives one, and whether it applies."""

    key: object
    level: str
    weight: float | None = None
    applicable: bool = True


def distribute(indicators: list[Weighted], scoring: Scoring) -> tuple[dict, list[str]]:
    """Points per indicator, in whole cents: each level's weight over its applicable indicators.

    The points left after the budget's (100 − ``budget_weight``) go to the levels present in
    proportion to ``level_weights`` (a level with no applicable indicator gives its points to
    the others), then each level's points to its applicable indicators: in proportion to
    their own 分值 where every one has it, else evenly.  Both splits are ``apportion``-ed, so
    the indicators' points add up exactly to 100 − ``budget_weight``.  Not-applicable
    indicators, and those of a level outside ``level_weights``, get 0.  Own 分值 that sum to
    neither the level's weight nor its points are reported (and rescaled to fit).
    """
    level_weights = {k: float(v) for k, v in scoring.level_weights.items()}
    present = {i.level for i in indicators if i.applicable}
    kept = {lvl: w for lvl, w in level_weights.items() if lvl in present}
    weights: dict = {}
    problems: list[str] = []
    if kept and not any(kept.values()):
        problems.append(f"{'、'.join(kept)}的权重均为0，三级指标没有分值")
        kept = {}
    total = (10000 - _cents(scoring.budget_weight)) / 100
    level_points = dict(zip(kept, apportion(total, list(kept.values())), strict=True))
    for lvl, points in level_points.items():
        members = [i for i in indicators if i.level == lvl and i.applicable]
        own = [i.weight for i in members]
        if all(w is not None for w in own):
            given = sum(own)
            if abs(given - level_weights[lvl]) > 0.005 and abs(given - points) > 0.005:
                problems.append(f"{lvl}的三级指标分值合计{given:g}，不等于{lvl}的分值{points:g}")
            shares = apportion(points, own)
        else:
            shares = apportion(points, [1.0] * len(members))
        weights.update(zip((i.key for i in members), shares, strict=True))
    for i in indicators:
        weights.setdefault(i.key, 0.0)
    return weights, problems
