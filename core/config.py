"""The one configuration: a frozen, typed ``Config`` from ``data/config.toml`` with the admin's overrides.

It is loaded once at the edge (a CLI command, a dashboard request) by ``load_config`` and passed
down; nothing below the edge reads the file or the ``setting`` table by itself, so the light, its
explanation, the forms and the exports of one request all see the same numbers (docs/rules.md).
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from core.paths import config_path


class ConfigError(ValueError):
    """The configuration file or an override does not fit the schema."""


class BudgetMode(StrEnum):
    RATIO = "ratio"
    GAP = "gap"


class SharePolicy(StrEnum):
    """How a share-based indicator scores ("每天14小时", "1小时内上报"): by its worst day or event, or by
    the share of days or events that complied (docs/rules.md)."""

    WORST_CASE = "worst_case"
    SHARE = "share"


@dataclass(frozen=True)
class Levels:
    level1_to_form: dict[str, str]
    satisfaction_word: str
    level2: tuple[str, ...]


@dataclass(frozen=True)
class SeedText:
    wrapped_cell_width: int


@dataclass(frozen=True)
class Hotline:
    accept_limit_hours: float
    closed_states: tuple[str, ...]


@dataclass(frozen=True)
class Opinion:
    report_limit_hours: float
    daily_hours_minimum: float


@dataclass(frozen=True)
class Lights:
    accumulating_red_below: float
    accumulating_yellow_below: float
    accumulating_blue_from: float
    rate_yellow_band_points: float
    value_yellow_band_share: float
    at_most_yellow_tolerance: float
    increase_yellow_from: float
    short_days_yellow_max: int


@dataclass(frozen=True)
class Budget:
    mode: BudgetMode
    ratio_red_below: float
    ratio_yellow_below: float
    gap_yellow_points: float


@dataclass(frozen=True)
class Due:
    value_months: tuple[int, ...]


@dataclass(frozen=True)
class Cycle:
    """The monthly cycle (docs/domain.md §10): a month's entries are due by this day of the next month, and
    the months whose submission asks 完成目标可能性 of every red or yellow indicator (the half-year)."""

    deadline_day: int
    likelihood_months: tuple[int, ...]


@dataclass(frozen=True)
class Scoring:
    budget_weight: float
    level_weights: dict[str, float]
    band_top: dict[str, float]
    band_bottom: dict[str, float]
    over_achievement: float
    grades: tuple[tuple[float, str], ...]
    share_policy: SharePolicy


@dataclass(frozen=True)
class Forms:
    selfeval_title: str
    monitor_title: str
    supervisor: str


@dataclass(frozen=True)
class Auth:
    session_hours: float
    max_failures: int
    lockout_minutes: int
    min_password_length: int


@dataclass(frozen=True)
class Limits:
    """How much one uploaded file may hold: checked before it is parsed, so no file can exhaust the server."""

    max_file_mb: float
    max_uncompressed_mb: float
    max_ratio: float
    max_rows: int
    max_cells: int


@dataclass(frozen=True)
class Unit:
    """The reporting unit's own settings: times with an offset are read as local time in ``time_zone``."""

    time_zone: str


# What data/config.toml sets, for a library caller handed no Config (a test checks the two agree).
DEFAULT_LIMITS = Limits(max_file_mb=20, max_uncompressed_mb=150, max_ratio=100, max_rows=200_000, max_cells=2_000_000)
DEFAULT_UNIT = Unit(time_zone="Asia/Shanghai")


@dataclass(frozen=True)
class Config:
    levels: Levels
    seed_text: SeedText
    hotline: Hotline
    opinion: Opinion
    lights: Lights
    budget: Budget
    due: Due
    cycle: Cycle
    scoring: Scoring
    forms: Forms
    auth: Auth
    limits: Limits
    unit: Unit

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for a frozen form's snapshot and for ``config show``)."""
        return json.loads(json.dumps(asdict(self), ensure_ascii=False))

    @property
    def digest(self) -> str:
        """A short fingerprint: the dashboard's caches key on it, so a changed threshold is a new result."""
        text = json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def __hash__(self) -> int:
        return hash(self.digest)

    def form_level1(self, level1: str, level2: str) -> str:
        """The self-evaluation form's 一级 label for a target table row (docs/domain.md §2)."""
        if self.levels.satisfaction_word in level2:
            return "满意度指标"
        return self.levels.level1_to_form[level1]


_SECTION_TYPES = {
    "levels": Levels,
    "seed_text": SeedText,
    "hotline": Hotline,
    "opinion": Opinion,
    "lights": Lights,
    "budget": Budget,
    "due": Due,
    "cycle": Cycle,
    "scoring": Scoring,
    "forms": Forms,
    "auth": Auth,
    "limits": Limits,
    "unit": Unit,
}


def whole_numbers() -> frozenset[tuple[str, str]]:
    """(section, key) of every setting typed as a whole number (a count of days, of failures…)."""
    return frozenset(
        (name, f.name) for name, cls in _SECTION_TYPES.items() for f in fields(cls) if f.type in ("int", int)
    )


def _coerce(section: str, key: str, kind: Any, value: Any) -> Any:
    """One value as its field's type, or a ConfigError naming it."""
    where = f"{section}.{key}"
    try:
        if kind in ("float", float):
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if kind in ("int", int):
            if isinstance(value, bool) or float(value) != int(value):
                raise TypeError
            return int(value)
        if kind in ("str", str):
            if not isinstance(value, str):
                raise TypeError
            return value
        if kind == "BudgetMode":
            return BudgetMode(value)
        if kind == "SharePolicy":
            return SharePolicy(value)
        if kind == "tuple[str, ...]":
            return tuple(str(v) for v in value)
        if kind == "tuple[int, ...]":
            return tuple(int(v) for v in value)
        if kind == "tuple[tuple[float, str], ...]":
            return tuple((float(a), str(b)) for a, b in value)
        if kind == "dict[str, str]":
            return {str(k): str(v) for k, v in dict(value).items()}
        if kind == "dict[str, float]":
            return {str(k): float(v) for k, v in dict(value).items()}
    except (TypeError, ValueError) as exc:
        expected = {
            "int": "整数",
            "float": "数值",
            "str": "文字",
            "BudgetMode": "ratio 或 gap",
            "SharePolicy": "worst_case 或 share",
        }.get(str(kind), str(kind))
        raise ConfigError(f"{where}：{value!r} 应为{expected}") from exc
    raise ConfigError(f"{where}: unsupported type {kind}")  # pragma: no cover - a schema mistake


def build(data: dict[str, Any]) -> Config:
    """A Config from plain data; every section and key of the schema must be there, and nothing else."""
    sections = {}
    for name, cls in _SECTION_TYPES.items():
        raw = data.get(name)
        if not isinstance(raw, dict):
            raise ConfigError(f"[{name}] is missing from the configuration")
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ConfigError(f"[{name}] has unknown keys: {', '.join(unknown)}")
        missing = sorted(set(known) - set(raw))
        if missing:
            raise ConfigError(f"[{name}] is missing: {', '.join(missing)}")
        sections[name] = cls(**{k: _coerce(name, k, t, raw[k]) for k, t in known.items()})
    config = Config(**sections)
    check(config)
    return config


def check(config: Config) -> None:
    """Bounds that make sense together (red below yellow below blue…); ConfigError naming the keys otherwise."""
    li, bu, sc = config.lights, config.budget, config.scoring
    rules = [
        (
            0 <= li.accumulating_red_below <= li.accumulating_yellow_below <= li.accumulating_blue_from,
            "lights.accumulating_red_below ≤ accumulating_yellow_below ≤ accumulating_blue_from",
        ),
        (li.rate_yellow_band_points >= 0, "lights.rate_yellow_band_points ≥ 0"),
        (0 <= li.value_yellow_band_share < 1, "0 ≤ lights.value_yellow_band_share < 1"),
        (li.at_most_yellow_tolerance >= 0, "lights.at_most_yellow_tolerance ≥ 0"),
        (0 <= li.increase_yellow_from <= 100, "0 ≤ lights.increase_yellow_from ≤ 100"),
        (li.short_days_yellow_max >= 0, "lights.short_days_yellow_max ≥ 0"),
        (0 <= bu.ratio_red_below <= bu.ratio_yellow_below, "budget.ratio_red_below ≤ budget.ratio_yellow_below"),
        (bu.gap_yellow_points >= 0, "budget.gap_yellow_points ≥ 0"),
        (config.opinion.report_limit_hours > 0, "opinion.report_limit_hours > 0"),
        (0 < config.opinion.daily_hours_minimum <= 24, "0 < opinion.daily_hours_minimum ≤ 24"),
        (config.hotline.accept_limit_hours > 0, "hotline.accept_limit_hours > 0"),
        (0 <= sc.budget_weight < 100, "0 ≤ scoring.budget_weight < 100"),
        (
            all(w >= 0 for w in sc.level_weights.values()) and sum(sc.level_weights.values()) > 0,
            "scoring.level_weights 不能为负，且不能全为0",
        ),
        (
            bool(config.due.value_months) and all(1 <= m <= 12 for m in config.due.value_months),
            "due.value_months 应为1–12月",
        ),
        (1 <= config.cycle.deadline_day <= 28, "1 ≤ cycle.deadline_day ≤ 28"),
        (all(1 <= m <= 12 for m in config.cycle.likelihood_months), "cycle.likelihood_months 应为1–12月"),
        *_limit_rules(config.limits),
        (_known_zone(config.unit.time_zone), "unit.time_zone 应为时区名，如 Asia/Shanghai"),
    ]
    broken = [text for ok, text in rules if not ok]
    if broken:
        raise ConfigError("配置不一致，应满足：" + "；".join(broken))


def _limit_rules(limits: Limits) -> list[tuple[bool, str]]:
    return [
        (limits.max_file_mb > 0, "limits.max_file_mb > 0"),
        (limits.max_uncompressed_mb > 0, "limits.max_uncompressed_mb > 0"),
        (limits.max_ratio > 1, "limits.max_ratio > 1"),
        (limits.max_rows > 1, "limits.max_rows > 1"),
        (limits.max_cells >= limits.max_rows, "limits.max_cells ≥ limits.max_rows"),
    ]


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def file_data(path: Path | None = None) -> dict[str, Any]:
    """The TOML file as plain data (``path``, else ``$PERFBOARD_CONFIG``, else ``data/config.toml``)."""
    resolved = Path(path or config_path()).resolve()
    return copy.deepcopy(_read(resolved, resolved.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _read(path: Path, mtime: int) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def overrides(con: duckdb.DuckDBPyConnection | None) -> dict[tuple[str, str], Any]:
    """The admin's overrides stored in the database: (section, key) → value."""
    if con is None:
        return {}
    try:
        rows = con.execute("SELECT section, key, value FROM setting").fetchall()
    except duckdb.CatalogException:  # a database from before settings existed
        return {}
    return {(section, key): json.loads(value) for section, key, value in rows}


def merge(base: dict[str, Any], changes: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """The file's data with the overrides laid over it (overrides of keys the file lacks are ignored)."""
    merged = copy.deepcopy(base)
    for (section, key), value in changes.items():
        if key in merged.get(section, {}):
            merged[section][key] = value
    return merged


def load_config(con: duckdb.DuckDBPyConnection | None = None, path: Path | None = None) -> Config:
    """The configuration in force: the file, with the overrides in ``con``'s database laid over it.

    Call it at the edge, once per command or request, and pass the result down.
    """
    return _built(json.dumps(merge(file_data(path), overrides(con)), ensure_ascii=False, sort_keys=True))


@lru_cache(maxsize=32)
def _built(text: str) -> Config:
    return build(json.loads(text))
