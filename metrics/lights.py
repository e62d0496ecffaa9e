"""The light rules of DOMAIN.md §4 as plain functions: numbers in, a colour out.

Thresholds come from the ``[lights]`` and ``[budget]`` sections of the configuration, so a
change there changes every light, in the CLI, the dashboard and the exports alike.
"""

from __future__ import annotations

GREEN, YELLOW, RED, BLUE, GREY = "green", "yellow", "red", "blue", "grey"
WORST_FIRST = (RED, YELLOW, GREY, GREEN, BLUE)


def _percent(part: float, whole: float) -> float:
    """part ÷ whole × 100, rounded so that 48 of 80 is exactly 60 (boundaries are inclusive)."""
    return round(part * 100 / whole, 9)


def worst(statuses) -> str:
    """The project light: the worst of its lights (red > yellow > grey > green > blue)."""
    present = set(statuses)
    return next((s for s in WORST_FIRST if s in present), GREY)


def accumulating(actual: float, expected: float, cfg: dict) -> tuple[str, float | None]:
    """x = actual ÷ expected × 100: red < 60, yellow < 80, green < 120, blue from 120."""
    if expected <= 0:
        return (BLUE if actual > 0 else GREEN), None
    x = _percent(actual, expected)
    if x < cfg["accumulating_red_below"]:
        return RED, x
    if x < cfg["accumulating_yellow_below"]:
        return YELLOW, x
    if x < cfg["accumulating_blue_from"]:
        return GREEN, x
    return BLUE, x


def rate(actual: float, target: float, cfg: dict) -> str:
    """A rate to date against its target directly: green at or above, yellow within the band, red below."""
    if actual >= target:
        return GREEN
    return YELLOW if target - actual < cfg["rate_yellow_band_points"] else RED


def value_at_least(actual: float, target: float, cfg: dict, strictly: bool = False) -> str:
    """A score or value against its target (``>`` when ``strictly``): yellow within a share of T below."""
    if actual > target or (actual == target and not strictly):
        return GREEN
    return YELLOW if actual >= target * (1 - cfg["value_yellow_band_share"]) else RED


def at_most(actual: float, limit: float, cfg: dict) -> str:
    """Lower is better: green at or under the limit, yellow in the tolerance band, red above."""
    if actual <= limit:
        return GREEN
    return YELLOW if actual <= limit * (1 + cfg["at_most_yellow_tolerance"]) else RED


def zero_events(count: float) -> str:
    return GREEN if count == 0 else RED


def increase(actual: float, baseline: float, cfg: dict) -> tuple[str, float | None]:
    """Higher than the baseline: x = actual ÷ baseline × 100; green above 100, yellow from 90, else red."""
    if baseline <= 0:
        return (GREEN if actual > baseline else YELLOW), None
    x = _percent(actual, baseline)
    if x > 100:
        return GREEN, x
    return (YELLOW if x >= cfg["increase_yellow_from"] else RED), x


def above_reference(actual: float, reference: float, strictly: bool = True) -> str:
    """Higher than a reference (e.g. the city average): green above it, yellow level with it, red below."""
    if actual > reference or (actual == reference and not strictly):
        return GREEN
    return YELLOW if actual == reference else RED


RATING_LIGHT = {"achieved": GREEN, "partial": YELLOW, "missed": RED}


def rating(value: str) -> str:
    """达成 green, 部分达成 yellow, 未达成 red."""
    return RATING_LIGHT[value]


def short_days(days_under: int, cfg: dict) -> str:
    if days_under == 0:
        return GREEN
    return YELLOW if days_under <= cfg["short_days_yellow_max"] else RED


def budget(execution_rate: float, time_progress: float, cfg: dict) -> tuple[str, float]:
    """The budget execution light in the configured mode; returns the colour and the figure it used.

    ratio: x = 执行率 ÷ time progress × 100 (red < 60, yellow < 80, green).
    gap:   the lag in percentage points (green if none, yellow under 10, red).
    """
    if cfg["mode"] == "gap":
        lag = round((time_progress - execution_rate) * 100, 9)
        if lag <= 1e-9:
            return GREEN, lag
        return (YELLOW if lag < cfg["gap_yellow_points"] else RED), lag
    x = _percent(execution_rate, time_progress)
    if x < cfg["ratio_red_below"]:
        return RED, x
    return (YELLOW if x < cfg["ratio_yellow_below"] else GREEN), x
