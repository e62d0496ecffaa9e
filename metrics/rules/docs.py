"""docs/rules.md, written from the registry and the configuration's bands (never by hand).

``scripts/rules_doc.py`` writes the file; a test fails when the file and the registry disagree.
"""

from __future__ import annotations

from dataclasses import replace

from core.config import BudgetMode, Config
from metrics.lights import BudgetPace
from metrics.rules import DEFAULT_RULE, REGISTRY

LIGHT_ZH = {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", "grey": "灰"}


def _bands(bands) -> list[str]:
    return [f"  - {LIGHT_ZH[str(light)]}：{text}" for light, text in bands.table()]


def render(config: Config) -> str:
    """The rules page for ``config`` (the shipped data/config.toml gives the committed file)."""
    out = [
        "# 指标规则 / Indicator rules",
        "",
        "<!-- Generated from metrics/rules (the registry) and data/config.toml by scripts/rules_doc.py;"
        " do not edit by hand. -->",
        "",
        "每个指标按其绑定的规则（data/bindings_*.toml；未绑定时按目标类型的默认规则）取得实际值并判灯。"
        "灯的界限来自配置（data/config.toml 及管理员在「阈值设置」中的修改），说明文字与灯使用同一组界限。"
        "数据未按期填报时为灰色（未填报），不是红灯。",
        "",
        "## 预算执行灯（项目） / Budget light",
        "",
    ]
    for mode in BudgetMode:
        bands = BudgetPace.of(replace(config, budget=replace(config.budget, mode=mode)))
        current = "（当前）" if mode == config.budget.mode else ""
        formula = "执行率 ÷ 时间进度 × 100" if mode == BudgetMode.RATIO else "时间进度 − 执行率（百分点）"
        out += [f"- `{mode}`{current}：{formula}", *_bands(bands)]
    out += [
        "",
        "项目灯 = 预算执行灯与各指标灯中最差者（红 > 黄 > 灰 > 绿 > 蓝）；不适用及尚未到填报期的指标不计入。",
        "",
        "## 规则 / Rules",
        "",
    ]
    for rule in REGISTRY.values():
        out += [
            f"### `{rule.name}`",
            "",
            f"- 数据：`{rule.stream}`（measure: {', '.join(f'`{m}`' for m in rule.measures)}）",
            f"- 计算：{rule.formula}",
            "- 判灯：",
            *_bands(rule.bands(config)),
            f"- 全年预计：{rule.projection}",
            f"- 灰色：{rule.what[0]}未按期填报时",
            "",
        ]
    out += ["## 默认规则 / Default rule by target kind", "", "| 目标类型 kind | 规则 rule |", "| --- | --- |"]
    out += [f"| `{kind}` | `{name}` |" for kind, name in DEFAULT_RULE.items()]
    return "\n".join(out) + "\n"
