"""The light rules of docs/domain.md §4 as pure functions over arrays: numbers in, colours out.

Each kind of light has its bands as a small frozen object built from the ``Config``; the same
object classifies (vectorised, a whole rule's indicators at once) and says in words which band a
light fell in, so an explanation can only quote the bounds the light was judged by.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from core.config import BudgetMode, Config
from core.numbers import num  # noqa: F401  (re-exported: the rules format their figures with it)
from metrics.ratings import Rating


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    BLUE = "blue"
    GREY = "grey"


GREEN, YELLOW, RED, BLUE, GREY = Light.GREEN, Light.YELLOW, Light.RED, Light.BLUE, Light.GREY
WORST_FIRST = (RED, YELLOW, GREY, GREEN, BLUE)
ZH_LIGHT = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", BLUE: "蓝灯", GREY: "灰色"}


def percent(part, whole) -> np.ndarray:
    """part ÷ whole × 100, rounded so that 48 of 80 is exactly 60 (bounds are inclusive); NaN where whole ≤ 0."""
    part, whole = np.asarray(part, dtype=float), np.asarray(whole, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, np.round(part * 100 / np.where(whole > 0, whole, 1), 9), np.nan)


def worst(statuses) -> Light:
    """The project light: the worst of its lights (red > yellow > grey > green > blue)."""
    present = set(statuses)
    return next((s for s in WORST_FIRST if s in present), GREY)


def _pick(conditions: list, lights: list[Light], default: Light) -> np.ndarray:
    return np.select(conditions, [str(light) for light in lights], default=str(default))


class Bands(ABC):
    """Bounds of one kind of light: ``classify`` arrays of figures, ``light`` one figure, ``says`` the band."""

    @abstractmethod
    def classify(self, *figures) -> np.ndarray:
        """The light of each figure (arrays in, an array of light names out)."""

    def light(self, *figures) -> Light:
        return Light(self.classify(*(np.asarray([f], dtype=float) for f in figures))[0])

    @abstractmethod
    def says(self, light: Light, lang: str = "zh") -> str:
        """The band ``light`` stands for, in words, with its bounds."""

    @functools.cache  # noqa: B019 - bands are small frozen values, a handful per configuration
    def table(self, lang: str = "zh") -> tuple[tuple[Light, str], ...]:
        """Every band in words (docs/rules.md, and explanations that quote all bands)."""
        return tuple((light, self.says(light, lang)) for light in self.lights)

    lights: tuple[Light, ...] = ()


@dataclass(frozen=True)
class Accumulating(Bands):
    """x = actual to date ÷ expected to date × 100: red below, yellow below, green below blue_from, blue from it."""

    red_below: float
    yellow_below: float
    blue_from: float
    lights = (RED, YELLOW, GREEN, BLUE)

    @classmethod
    def of(cls, config: Config) -> Accumulating:
        c = config.lights
        return cls(c.accumulating_red_below, c.accumulating_yellow_below, c.accumulating_blue_from)

    def classify(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return _pick([x < self.red_below, x < self.yellow_below, x < self.blue_from], [RED, YELLOW, GREEN], BLUE)

    def says(self, light: Light, lang: str = "zh") -> str:
        r, y, b = num(self.red_below), num(self.yellow_below), num(self.blue_from)
        if lang == "en":
            return {RED: f"red below {r}%", YELLOW: f"yellow from {r}%", GREEN: f"green from {y}%"}.get(
                light, f"blue from {b}% (well ahead)"
            )
        return {RED: f"低于{r}%为红灯", YELLOW: f"{r}%–{y}%为黄灯", GREEN: f"{y}%–{b}%为绿灯"}.get(
            light, f"≥{b}%为蓝灯（超前或目标偏低）"
        )


@dataclass(frozen=True)
class Achieved(Bands):
    """At the year's last month "on track" no longer applies (docs/domain.md §8): x = actual ÷ T × 100,
    green only when the target is met, yellow from red_below, red below it; blue from blue_from."""

    red_below: float
    blue_from: float
    lights = (RED, YELLOW, GREEN, BLUE)

    @classmethod
    def of(cls, config: Config) -> Achieved:
        c = config.lights
        return cls(c.accumulating_red_below, c.accumulating_blue_from)

    def classify(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return _pick([x < self.red_below, x < 100, x < self.blue_from], [RED, YELLOW, GREEN], BLUE)

    def says(self, light: Light, lang: str = "zh") -> str:
        r, b = num(self.red_below), num(self.blue_from)
        if lang == "en":
            return {RED: f"red below {r}% of the target", YELLOW: f"yellow from {r}% (not met)"}.get(
                light, "green when met" if light == GREEN else f"blue from {b}% of the target"
            )
        return {RED: f"年末未达目标{r}%为红灯", YELLOW: f"年末完成目标{r}%–100%（未达成）为黄灯"}.get(
            light, "年末达成目标为绿灯" if light == GREEN else f"年末达目标{b}%以上为蓝灯（目标偏低）"
        )


@dataclass(frozen=True)
class Rate(Bands):
    """A rate to date against its target directly: green at or above, yellow within the band, red below."""

    yellow_points: float
    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> Rate:
        return cls(config.lights.rate_yellow_band_points)

    def classify(self, actual, target) -> np.ndarray:
        actual, target = np.asarray(actual, dtype=float), np.asarray(target, dtype=float)
        return _pick([actual >= target, target - actual < self.yellow_points], [GREEN, YELLOW], RED)

    def says(self, light: Light, lang: str = "zh") -> str:
        p = num(self.yellow_points)
        if lang == "en":
            return {GREEN: "green at target", YELLOW: f"yellow within {p} points"}.get(light, "red below that")
        return {GREEN: "达到目标为绿灯", YELLOW: f"差距小于{p}个百分点为黄灯"}.get(light, "低于目标为红灯")


@dataclass(frozen=True)
class AtLeastValue(Bands):
    """A score or value against its target (``>`` when strict): yellow within a share of T below it."""

    yellow_share: float
    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> AtLeastValue:
        return cls(config.lights.value_yellow_band_share)

    def classify(self, actual, target, strictly=False) -> np.ndarray:
        actual, target = np.asarray(actual, dtype=float), np.asarray(target, dtype=float)
        met = (actual > target) | ((actual == target) & ~np.asarray(strictly, dtype=bool))
        return _pick([met, actual >= target * (1 - self.yellow_share)], [GREEN, YELLOW], RED)

    def says(self, light: Light, lang: str = "zh") -> str:
        share = f"{self.yellow_share * 100:g}%"
        if lang == "en":
            return {GREEN: "green at target", YELLOW: f"yellow within {share} below it"}.get(light, "red below that")
        return {GREEN: "达到目标为绿灯", YELLOW: f"低于目标不超过{share}为黄灯"}.get(
            light, f"低于目标超过{share}为红灯"
        )


@dataclass(frozen=True)
class AtMost(Bands):
    """Lower is better: green at or under the limit, yellow up to limit × (1 + tolerance), red above."""

    tolerance: float

    @property
    def lights(self) -> tuple[Light, ...]:
        return (GREEN, YELLOW, RED) if self.tolerance > 0 else (GREEN, RED)

    @classmethod
    def of(cls, config: Config) -> AtMost:
        return cls(config.lights.at_most_yellow_tolerance)

    def classify(self, actual, limit) -> np.ndarray:
        actual, limit = np.asarray(actual, dtype=float), np.asarray(limit, dtype=float)
        return _pick([actual <= limit, actual <= limit * (1 + self.tolerance)], [GREEN, YELLOW], RED)

    def says(self, light: Light, lang: str = "zh") -> str:
        band = f"{self.tolerance * 100:g}%"
        if lang == "en":
            return {GREEN: "green within the limit", YELLOW: f"yellow up to {band} over"}.get(light, "red over it")
        if self.tolerance <= 0:
            return {GREEN: "不超过限值为绿灯"}.get(light, "超过限值为红灯")
        return {GREEN: "不超过限值为绿灯", YELLOW: f"超出限值不超过{band}为黄灯"}.get(
            light, f"超出限值超过{band}为红灯"
        )


@dataclass(frozen=True)
class DirectValue(Bands):
    """A value judged directly against T: as a limit (≤), as a rate (%), or as any other value."""

    at_most: AtMost
    rate: Rate
    value: AtLeastValue

    @classmethod
    def of(cls, config: Config) -> DirectValue:
        return cls(AtMost.of(config), Rate.of(config), AtLeastValue.of(config))

    def classify(self, actual, target, kind, unit, strictly=False) -> np.ndarray:
        kind, unit = np.asarray(kind, dtype=object), np.asarray(unit, dtype=object)
        return np.select(
            [kind == "at_most", unit == "%"],
            [self.at_most.classify(actual, target), self.rate.classify(actual, target)],
            default=self.value.classify(actual, target, strictly),
        )

    def light(self, actual, target, kind="at_least", unit=None, strictly=False) -> Light:
        return Light(self.classify([actual], [target], [kind], [unit], [strictly])[0])

    def says(self, light: Light, lang: str = "zh") -> str:
        return self.value.says(light, lang)

    @functools.cache  # noqa: B019 - see Bands.table
    def table(self, lang: str = "zh") -> tuple[tuple[Light, str], ...]:
        cases = (("上限（≤）", self.at_most), ("比率（%）", self.rate), ("其他数值", self.value))
        return tuple((light, f"{label}：{text}") for label, bands in cases for light, text in bands.table(lang))


@dataclass(frozen=True)
class ZeroEvents(Bands):
    """None is the target: green with none, red with any."""

    lights = (GREEN, RED)

    @classmethod
    def of(cls, config: Config) -> ZeroEvents:
        return cls()

    def classify(self, count) -> np.ndarray:
        return _pick([np.asarray(count, dtype=float) == 0], [GREEN], RED)

    def says(self, light: Light, lang: str = "zh") -> str:
        if lang == "en":
            return "green with none" if light == GREEN else "red with any"
        return "无事件为绿灯" if light == GREEN else "发生即为红灯"


@dataclass(frozen=True)
class Increase(Bands):
    """Higher than the baseline: x = actual ÷ baseline × 100; green above 100, yellow from yellow_from, else red.

    Without a positive baseline any rise is green and anything else yellow.
    """

    yellow_from: float
    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> Increase:
        return cls(config.lights.increase_yellow_from)

    def classify(self, actual, baseline) -> np.ndarray:
        actual, baseline = np.asarray(actual, dtype=float), np.asarray(baseline, dtype=float)
        x = percent(actual, baseline)
        no_base = ~(baseline > 0)
        return _pick(
            [no_base & (actual > baseline), no_base, x > 100, x >= self.yellow_from],
            [GREEN, YELLOW, GREEN, YELLOW],
            RED,
        )

    def says(self, light: Light, lang: str = "zh", of: str = "基期") -> str:
        y = num(self.yellow_from)
        if lang == "en":
            return {GREEN: "green above it", YELLOW: f"yellow from {y}% of it"}.get(light, f"red below {y}%")
        return {GREEN: f"高于{of}为绿灯", YELLOW: f"为{of}{y}%–100%为黄灯"}.get(light, f"低于{of}{y}%为红灯")


@dataclass(frozen=True)
class AboveReference(Bands):
    """Higher than a reference (e.g. the city average): green above it (or level, when ≥), yellow level, red below."""

    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> AboveReference:
        return cls()

    def classify(self, actual, reference, strictly=True) -> np.ndarray:
        actual, reference = np.asarray(actual, dtype=float), np.asarray(reference, dtype=float)
        level = actual == reference
        return _pick([(actual > reference) | (level & ~np.asarray(strictly, dtype=bool)), level], [GREEN, YELLOW], RED)

    def says(self, light: Light, lang: str = "zh") -> str:
        if lang == "en":
            return {GREEN: "green above it", YELLOW: "yellow level with it"}.get(light, "red below it")
        return {GREEN: "高于参考值为绿灯", YELLOW: "与参考值持平为黄灯"}.get(light, "低于参考值为红灯")


@dataclass(frozen=True)
class ShortDays(Bands):
    """每天N小时 monitoring: green with no short day, yellow up to ``yellow_max`` short days to date, else red.

    At the year's last month the year is over and a short day is a miss: no yellow band (``final``).
    """

    yellow_max: int

    @property
    def lights(self) -> tuple[Light, ...]:
        return (GREEN, YELLOW, RED) if self.yellow_max > 0 else (GREEN, RED)

    @classmethod
    def of(cls, config: Config) -> ShortDays:
        return cls(config.lights.short_days_yellow_max)

    @classmethod
    def final(cls, config: Config) -> ShortDays:
        return cls(0)

    def classify(self, days_under) -> np.ndarray:
        days = np.asarray(days_under, dtype=float)
        return _pick([days == 0, days <= self.yellow_max], [GREEN, YELLOW], RED)

    def says(self, light: Light, lang: str = "zh") -> str:
        n = num(self.yellow_max)
        if self.yellow_max <= 0:
            if lang == "en":
                return "green with no short day" if light == GREEN else "red with any short day"
            return "每天达标为绿灯" if light == GREEN else "有不足的天即为红灯"
        if lang == "en":
            return {GREEN: "green with no short day", YELLOW: f"yellow up to {n} days"}.get(light, f"red over {n}")
        return {GREEN: "每天达标为绿灯", YELLOW: f"不超过{n}天为黄灯"}.get(light, f"超过{n}天为红灯")


RATING_LIGHT = {Rating.ACHIEVED: GREEN, Rating.PARTIAL: YELLOW, Rating.MISSED: RED}


@dataclass(frozen=True)
class RatingBands(Bands):
    """达成 green, 部分达成 yellow, 未达成 red."""

    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> RatingBands:
        return cls()

    def classify(self, ratings) -> np.ndarray:
        r = np.asarray(ratings, dtype=object)
        return _pick([r == Rating.ACHIEVED, r == Rating.PARTIAL], [GREEN, YELLOW], RED)

    def light(self, rating: str) -> Light:  # a rating is a word, not a figure
        return RATING_LIGHT[rating]

    def says(self, light: Light, lang: str = "zh") -> str:
        if lang == "en":
            return {GREEN: "achieved is green", YELLOW: "partly achieved is yellow"}.get(light, "not achieved is red")
        return {GREEN: "达成为绿灯", YELLOW: "部分达成为黄灯"}.get(light, "未达成为红灯")


@dataclass(frozen=True)
class BudgetPace(Bands):
    """The budget execution light in the configured mode (docs/domain.md §4).

    ratio: x = 执行率 ÷ time progress × 100 (red below ratio_red_below, yellow below ratio_yellow_below, green).
    gap:   the lag in percentage points (green if none, yellow under gap_yellow_points, red).
    """

    mode: BudgetMode
    red_below: float
    yellow_below: float
    gap_points: float
    lights = (GREEN, YELLOW, RED)

    @classmethod
    def of(cls, config: Config) -> BudgetPace:
        b = config.budget
        return cls(b.mode, b.ratio_red_below, b.ratio_yellow_below, b.gap_yellow_points)

    @classmethod
    def final(cls, config: Config) -> BudgetPace:
        """At the year's last month time progress is 100%: green only when the budget is executed in full
        (ratio: x ≥ 100, i.e. 执行率 ≥ time progress; gap mode already asks for no lag at all)."""
        b = config.budget
        yellow = max(100.0, b.ratio_yellow_below) if b.mode == BudgetMode.RATIO else b.ratio_yellow_below
        return cls(b.mode, b.ratio_red_below, yellow, b.gap_yellow_points)

    @classmethod
    def at(cls, config: Config, final: bool) -> BudgetPace:
        """The bands of a month: ``final`` at the year's last month (docs/domain.md §8)."""
        return cls.final(config) if final else cls.of(config)

    def figure(self, execution_rate, time_progress) -> np.ndarray:
        """The figure the light is judged on: x (ratio) or the lag in points (gap)."""
        rate, tp = np.asarray(execution_rate, dtype=float), np.asarray(time_progress, dtype=float)
        if self.mode == BudgetMode.GAP:
            return np.round((tp - rate) * 100, 9)
        return percent(rate, tp)

    def classify(self, execution_rate, time_progress) -> np.ndarray:
        x = self.figure(execution_rate, time_progress)
        if self.mode == BudgetMode.GAP:
            return _pick([x <= 1e-9, x < self.gap_points], [GREEN, YELLOW], RED)
        return _pick([x < self.red_below, x < self.yellow_below], [RED, YELLOW], GREEN)

    def says(self, light: Light, lang: str = "zh") -> str:
        if self.mode == BudgetMode.GAP:
            g = num(self.gap_points)
            if lang == "en":
                return {GREEN: "green at or ahead of time", YELLOW: f"yellow under {g} points behind"}.get(
                    light, f"red from {g} points behind"
                )
            return {GREEN: "不低于时间进度为绿灯", YELLOW: f"落后不足{g}个百分点为黄灯"}.get(
                light, f"落后{g}个百分点以上为红灯"
            )
        r, y = num(self.red_below), num(self.yellow_below)
        if lang == "en":
            return {GREEN: f"green from {y}%", YELLOW: f"yellow from {r}%"}.get(light, f"red below {r}%")
        return {GREEN: f"≥{y}%为绿灯", YELLOW: f"{r}%–{y}%为黄灯"}.get(light, f"低于{r}%为红灯")
