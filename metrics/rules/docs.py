"""docs/rules.md, written from the registry and the configuration's bands (never by hand).

``scripts/rules_doc.py`` writes the file; a test fails when the file and the registry disagree.
"""

from __future__ import annotations

from dataclasses import replace

from core.config import BudgetMode, Config
from metrics.lights import BudgetPace
from metrics.rules import DEFAULT_RULE, REGISTRY

LIGHT_ZH = {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", "grey": "灰"}


# The decisions every rule follows (docs/domain.md §4, §8): what a light may know, and what it means.
PRINCIPLES = (
    "## 共同原则 / What every light follows",
    "",
    "- **截至即截至**：截至某月的数字只计该月月底前已发生的事：工单在月底前接单、办结才算接单、办结；"
    "舆情事件在月底前上报才计入；各月填报值只取到该月为止。12345月报的接单数、按期接单数、办结数为当月内发生的数量"
    "（含以前月份受理的工单），累计不得超过累计受理数。",
    "- **有风险不亮绿灯**：按进度为绿灯、但全年预计达不到目标的指标为黄灯（“进度正常但全年预计未达标”）。"
    "全年预计有计划时按计划进度（实际 + 计划剩余进度），否则按当前进度（实际 × 12 ÷ 月份），说明中写明是哪一种。",
    "- **年末看是否达成**：12月（全年最后一个月）的灯表示是否达成目标，“进度正常”不再适用："
    "累计类指标以全年目标为准，未达成不亮绿灯；每天N小时的指标有一天不足即为红灯；预算执行灯和预算执行及时性"
    "在12月只有执行率达到时间进度（100%）才为绿灯。其余规则本来就只在达到目标时为绿灯（比率、数值、上限、"
    "区间、无事件、同比、参考值、评级），12月照样。例如：`=100%` 的累计类指标12月完成92%为黄灯"
    "（92 ÷ 100 = 92%，在60%–100%之间，未达成）；不按累计判断的 `=100%` 比率92%为红灯（差8个百分点，超出5个百分点的黄灯带）；"
    "`>=48期` 12月完成46期为黄灯（46 ÷ 48 ≈ 95.8%）。",
    "- **预算执行率与预算执行及时性为何不同**：执行率对照全年预算和目标（如 `>=95%`，6月应达95% × 6/12 = 47.5%），"
    "及时性对照时间进度（6月为50%）。同为39.8%：执行率 39.8 ÷ 47.5 ≈ 84% 为绿灯，及时性 39.8 ÷ 50 = 79.6% 为黄灯。"
    "两者的说明开头分别写明衡量的是什么。",
    "- **计划内目标**：项目实施计划、总目标中写明但目标表中没有的目标（如12345“每个月的流转工单接单率100%，"
    "按期接单率99%以上”），在绑定文件的 `[[plan_target]]` 中声明，一级为“计划内目标”：与其他指标一样判灯、显示，"
    "列入监控表；自评表中只在备注中列出，不计分。`each_month = true` 表示每个月都须达到：逐月判断，取最差月份的灯，"
    "说明列出未达标的月份。",
    "- **分阶段计划与目标表一致**：绑定中的分阶段计划全年合计与目标表的目标值不一致时，按目标表等比例换算，"
    "并在加载时提示管理员。",
    "- **预算与目标按当月现行**：执行率以当月现行的预算为分母（最近一次预算调整，否则全年预算数）；"
    "绩效目标调整自生效月份起按调整后目标判灯，说明中注明原目标；调整后目标类型不同（如数值改为文字）时改按新类型的默认规则。"
    "累计数（累计支出、累计数量）覆盖1月至当月，不因前几个月未单独填报而显示灰色。",
    "- **年末文字来自年末事实**：自评表的偏差原因分析取截至12月最近一次填报的说明，只用于未得满分（或超额须说明）的指标；"
    "实际完成情况中写的数字与数据相差超过0.1（百分点或单位）时，在定稿前提示核对。",
)


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
        final = BudgetPace.final(replace(config, budget=replace(config.budget, mode=mode)))
        if final != bands:
            out += ["  - 年末（12月）：", *("  " + line for line in _bands(final))]
    out += [
        "",
        "项目灯 = 预算执行灯与各指标灯中最差者（红 > 黄 > 灰 > 绿 > 蓝）；不适用及尚未到填报期的指标不计入。",
        "",
        *PRINCIPLES,
        f"- **逐日、逐次达标的指标如何计分**（`scoring.share_policy`，当前 `{config.scoring.share_policy}`）："
        "`worst_case`（默认）按最差的一天或一次计分：每天N小时按灯的等级计分，N小时内上报按最长用时对照限值计分；"
        "`share` 按达标天数或次数的比例计分：分值 × 达标天数 ÷ 监控天数，或分值 × 限时内上报起数 ÷ 事件起数。",
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
            *(["- 年末（12月）判灯：", *_bands(rule.final_bands(config))] if rule.final_bands else []),
            f"- 全年预计：{rule.projection}",
            f"- 灰色：{rule.what[0]}未按期填报时",
            "",
        ]
    out += ["## 默认规则 / Default rule by target kind", "", "| 目标类型 kind | 规则 rule |", "| --- | --- |"]
    out += [f"| `{kind}` | `{name}` |" for kind, name in DEFAULT_RULE.items()]
    return "\n".join(out) + "\n"
