"""Thresholds and scoring weights an admin may change without editing the file, each change audited.

The defaults stay in ``data/config.toml``; a change is stored in the ``setting`` table and laid
over them (``core.config.load_config``), so every light, score and export follows it.
Setting a value back to the default removes the override.

The scoring weights (docs/domain.md §5): ``scoring.budget_weight`` is the 预算执行率's points
(0 < w < 100, to the cent); ``scoring.level_weights`` are the levels' relative shares of the
points left after it, stored as a JSON object {level: weight}.  A new set of level weights
must add up to 100 (percent) or to exactly 100 − the budget weight in force (the form's own
points, e.g. 50, 30, 10 with a budget weight of 10); a level not given gets 0, so its
indicators carry no 分值.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from core import db
from core.accounts import Actor, PermissionDenied, local_operator, record, record_refusal, require_admin
from core.config import Config, ConfigError, build, file_data, load_config, merge, overrides

EDITABLE_SECTIONS = ("lights", "budget", "opinion", "hotline")
# the scoring weights, in the order a form saves them (the level weights are checked against the budget's)
SCORING_KEYS = ("budget_weight", "level_weights", "share_policy")
BUDGET_WEIGHT = ("scoring", "budget_weight")
LEVEL_WEIGHTS = ("scoring", "level_weights")
CHOICES = {("budget", "mode"): ("ratio", "gap"), ("scoring", "share_policy"): ("worst_case", "share")}

_ITEM_SEPARATORS = re.compile(r"[,，、;；\s]+")
_NAME_VALUE = re.compile(r"\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$")


def editable() -> dict[tuple[str, str], object]:
    """(section, key) → default, for every scalar threshold of the editable sections and the scoring weights."""
    cfg = file_data()
    values = {
        (section, key): value
        for section in EDITABLE_SECTIONS
        for key, value in cfg[section].items()
        if isinstance(value, (int, float, str)) and not isinstance(value, bool)
    }
    for key in SCORING_KEYS:
        values[("scoring", key)] = cfg["scoring"][key]
    return values


def levels() -> tuple[str, ...]:
    """The levels that carry a weight, in the file's order (产出指标, 效益指标, 满意度指标)."""
    return tuple(file_data()["scoring"]["level_weights"])


def short_name(level: str) -> str:
    """产出指标 → 产出: the form the command line accepts besides the full one."""
    return level.removesuffix("指标")


def in_force(db_path) -> Config:
    """The configuration in force for the database at ``db_path``: what an edge loads once per command."""
    with db.read_connection(db_path) as con:
        return load_config(con)


def current(con) -> dict[tuple[str, str], object]:
    """Every editable setting with its value in force (the level weights as a dict, in the file's order)."""
    values = editable()
    for found, value in overrides(con).items():
        if found in values:
            values[found] = value
    order = levels()
    stored = values[LEVEL_WEIGHTS]
    values[LEVEL_WEIGHTS] = {lvl: stored.get(lvl, 0) for lvl in order} | {
        k: v for k, v in stored.items() if k not in order
    }
    return values


def shown(value) -> str:
    """A value as the command line takes it back: the level weights as 产出指标=50,效益指标=30,满意度指标=10."""
    if isinstance(value, Mapping):
        return ",".join(f"{k}={_plain(v)}" for k, v in value.items())
    return str(value)


def _plain(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _number(where: str, text) -> float:
    if isinstance(text, bool):
        raise ValueError(f"{where}：“{text}”不是数字")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{where}：“{text}”不是数字") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}：“{text}”不是数字")
    return value


def _tidy(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _cents_exact(value: float) -> bool:
    try:
        return Decimal(str(value)) == Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - a finite float always quantizes
        return False


def parse_budget_weight(text) -> int | float:
    """The 预算执行率's points: a number strictly between 0 and 100, to the cent."""
    where = "scoring.budget_weight"
    value = _number(where, text)
    if not 0 < value < 100:
        raise ValueError(f"{where}（预算执行率分值）应大于0且小于100，不能为{_plain(_tidy(value))}")
    if not _cents_exact(value):
        raise ValueError(f"{where}（预算执行率分值）最多保留两位小数")
    return _tidy(value)


def _level(name: str, order: tuple[str, ...]) -> str:
    name = name.strip()
    for lvl in order:
        if name in (lvl, short_name(lvl)):
            return lvl
    shorts, fulls = "、".join(short_name(lvl) for lvl in order), "、".join(order)
    raise ValueError(f"scoring.level_weights：未知的一级指标“{name}”，应为{shorts}（或{fulls}）")


def _pairs(text, order: tuple[str, ...]) -> list[tuple[str, object]]:
    """(level as written, weight as written) from a dict, '产出=60,效益=40' or '50,30,10' (in the levels' order)."""
    if isinstance(text, Mapping):
        return [(str(k), v) for k, v in text.items()]
    raw = str(text).strip()
    if raw.startswith("{"):
        try:
            loaded = json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError("scoring.level_weights：无法读取，应写成 产出=60,效益=40") from None
        if not isinstance(loaded, dict):
            raise ValueError("scoring.level_weights：无法读取，应写成 产出=60,效益=40")
        return [(str(k), v) for k, v in loaded.items()]
    raw = re.sub(r"\s*([=:：])\s*", r"\1", raw)  # 产出 = 60 is 产出=60
    items = [item for item in _ITEM_SEPARATORS.split(raw) if item]
    if not items:
        raise ValueError("scoring.level_weights：未给出权重，应写成 产出=60,效益=40")
    named = [_NAME_VALUE.match(item) for item in items]
    if all(named):
        return [(m.group(1), m.group(2)) for m in named]
    if any(named):
        raise ValueError(f"scoring.level_weights：“{raw}”混用了带名称和不带名称的权重，应写成 产出=60,效益=40")
    if len(items) != len(order):
        names = "、".join(short_name(lvl) for lvl in order)
        raise ValueError(
            f"scoring.level_weights：不带名称时须依次给出{len(order)}个数（{names}），实际为{len(items)}个"
        )
    return list(zip(order, items, strict=True))


def parse_level_weights(text, budget_weight: float) -> dict[str, int | float]:
    """Every level's weight; the set must add up to 100 or to 100 − ``budget_weight``; a level not given is 0."""
    order = levels()
    weights: dict[str, int | float] = {}
    for name, raw in _pairs(text, order):
        lvl = _level(name, order)
        if lvl in weights:
            raise ValueError(f"scoring.level_weights：{short_name(lvl)}的权重给了两次")
        value = _number(f"scoring.level_weights（{short_name(lvl)}）", raw)
        if value < 0:
            raise ValueError(f"scoring.level_weights（{short_name(lvl)}）不能为负数")
        weights[lvl] = _tidy(value)
    total = sum((Decimal(str(v)) for v in weights.values()), Decimal(0))
    points = Decimal(100) - Decimal(str(budget_weight))
    if abs(total - 100) >= Decimal("0.005") and abs(total - points) >= Decimal("0.005"):
        raise ValueError(
            f"scoring.level_weights：各级权重合计{_plain(_tidy(float(total)))}，"
            f"应为100（百分比）或{_plain(_tidy(float(points)))}（100减去预算执行率分值{_plain(budget_weight)}）"
        )
    return {lvl: weights.get(lvl, 0) for lvl in order}


def parse(section: str, key: str, text, budget_weight: float | None = None) -> object:
    """The value as the setting's own type; ValueError with a reason otherwise.

    ``budget_weight`` is the one the level weights are checked against (default: the file's).
    """
    defaults = editable()
    if (section, key) not in defaults:
        raise ValueError(f"{section}.{key} 不是可修改的阈值")
    if (section, key) == BUDGET_WEIGHT:
        return parse_budget_weight(text)
    if (section, key) == LEVEL_WEIGHTS:
        return parse_level_weights(text, defaults[BUDGET_WEIGHT] if budget_weight is None else budget_weight)
    if (section, key) in CHOICES:
        if str(text) not in CHOICES[(section, key)]:
            raise ValueError(f"{section}.{key} 应为 {' / '.join(CHOICES[(section, key)])}")
        return str(text)
    default = defaults[(section, key)]
    value = _number(f"{section}.{key}", text)
    if value < 0:
        raise ValueError(f"{section}.{key} 不能为负数")
    return int(value) if isinstance(default, int) and value.is_integer() else value


def _fits(con, section: str, key: str, value) -> None:
    """The configuration with this change must still make sense as a whole (red below yellow…)."""
    try:
        build(merge(file_data(), {**overrides(con), (section, key): value}))
    except ConfigError as exc:
        raise ValueError(f"{section}.{key} 不能设为 {shown(value)}：{exc}") from None


def set_setting(db_path, section: str, key: str, text, actor: Actor | None = None) -> tuple[object, object]:
    """Change one setting; returns (before, after).

    The level weights are checked against the budget weight in force, read in the same transaction.
    """
    try:
        require_admin(actor, "修改阈值")
    except PermissionDenied:
        record_refusal(db_path, actor, "config", f"{section}.{key}")
        raise
    if (section, key) != LEVEL_WEIGHTS:  # those are checked against the budget weight in force, below
        parse(section, key, text)  # a bad name or value is refused before the database is opened for writing
    default = editable()[(section, key)]
    with db.write_transaction(db_path) as con:
        values = current(con)
        before = values[(section, key)]
        value = parse(section, key, text, budget_weight=values[BUDGET_WEIGHT])
        _fits(con, section, key, value)
        con.execute("DELETE FROM setting WHERE section = ? AND key = ?", [section, key])
        if value != default:
            con.execute("INSERT INTO setting VALUES (?, ?, ?)", [section, key, json.dumps(value, ensure_ascii=False)])
        record(con, actor or local_operator(), "config", f"{section}.{key}", before=before, after=value)
    return before, value
