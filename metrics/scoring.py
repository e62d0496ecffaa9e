"""Year-end self-evaluation scoring (DOMAIN.md §5): 执行率 points, indicator points by kind, total and grade.

Scores are printed with two decimals, rounded half up, as the forms print them; the
total is the sum of the printed figures.  Weights come from ``[scoring]`` in the
configuration and are spread over a level's indicators in equal shares unless the
target table gives each indicator its 分值.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SCORED_LEVELS = ("产出指标", "效益指标", "满意度指标")


def money2(x: float) -> float:
    """Round half up to two decimals (8.6183 → 8.62, 0.125 → 0.13)."""
    return float(Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


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


def band(rating: str, weight: float, cfg: dict, pick: float | None = None) -> float:
    """Qualitative: points within the rating's band; ``pick`` (a share) if the scorer chose one, else the top."""
    top, bottom = cfg["band_top"][rating], cfg["band_bottom"][rating]
    share = top if pick is None else min(max(pick, bottom), top)
    return weight * share


def grade(total: float, cfg: dict) -> str:
    """优 90–100, 良 80–89.99, 中 60–79.99, 差 below 60."""
    for floor, name in cfg["grades"]:
        if total >= floor:
            return name
    return cfg["grades"][-1][1]


def split_evenly(points: float, n: int) -> list[float]:
    """``points`` in n shares of two decimals that add up exactly: 33.75 in two is 16.88 + 16.87."""
    if n == 0:
        return []
    cents = int(Decimal(str(points)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    base, extra = divmod(cents, n)
    return [(base + (1 if k < extra else 0)) / 100 for k in range(n)]


@dataclass
class Weighted:
    """An indicator to weigh: its form level, its own 分值 if the table gives one, and whether it applies."""

    key: object
    level: str
    weight: float | None = None
    applicable: bool = True


def distribute(indicators: list[Weighted], cfg: dict) -> tuple[dict, list[str]]:
    """Points per indicator: each level's weight over its applicable indicators.

    A level with no applicable indicator gives its points to the other levels in proportion;
    not-applicable indicators get none and the rest are rescaled so the indicators total
    100 − the budget's points.  Where every indicator of a level has its own 分值 they must
    sum to the level's points: a mismatch is reported (and the 分值 are rescaled to fit).
    """
    level_weights = {k: float(v) for k, v in cfg["level_weights"].items()}
    present = {i.level for i in indicators if i.applicable}
    total = 100.0 - cfg["budget_weight"]
    kept = {lvl: w for lvl, w in level_weights.items() if lvl in present}
    scale = total / sum(kept.values()) if kept else 0
    level_points = {lvl: w * scale for lvl, w in kept.items()}
    weights: dict = {}
    problems: list[str] = []
    for lvl, points in level_points.items():
        members = [i for i in indicators if i.level == lvl and i.applicable]
        own = [i.weight for i in members]
        if members and all(w is not None for w in own):
            given = sum(own)
            if abs(given - level_weights[lvl]) > 0.005 and abs(given - points) > 0.005:
                problems.append(f"{lvl}的三级指标分值合计{given:g}，不等于{lvl}的分值{points:g}")
            for i in members:
                weights[i.key] = i.weight * points / given if given else 0.0
        else:
            for i, share in zip(members, split_evenly(points, len(members)), strict=True):
                weights[i.key] = share
    for i in indicators:
        weights.setdefault(i.key, 0.0)
    return weights, problems
