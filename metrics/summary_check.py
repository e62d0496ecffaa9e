"""Numbers typed into 实际完成情况 checked against the data before the self-evaluation is frozen.

Staff write the year's summary by hand ("按期接单率99.4%"); the form prints the data beside it
(99.20%). A figure in the text that names something the data measure, in the same unit, and
differs by more than ``TOLERANCE`` is flagged, so the two never disagree on a signed form.
"""

from __future__ import annotations

import re

from metrics.status import IndicatorStatus, ProjectStatus

TOLERANCE = 0.1  # points (percentage points for %, else the unit's own)
# a label, an optional connecting word, a number and its unit: "按期接单率99.4%", "得分86分"
_TYPED = re.compile(
    r"([^\d，。；、,;：:（）()\s]{2,20}?)(?:为|达到|达|是|约)?\s*(\d+(?:\.\d+)?)\s*(%|％|分|期|人次|天|起)"
)
# the stream figures a hotline indicator carries (its facts), by the words people use for them
_HOTLINE = (("accept_rate", "接单率"), ("ontime_rate", "按期接单率"), ("close_rate", "办结率"))


def figures(project: ProjectStatus) -> dict[str, tuple[float, str]]:
    """What the data say by the year's end: label → (value, unit), from the project's judged indicators."""
    out: dict[str, tuple[float, str]] = {}
    for i in project.indicators:
        if i.origin == "plan" or i.status == "grey" or isinstance(i.actual, str) or i.actual is None:
            continue
        out[i.name] = (float(i.actual), _unit(i))
        for key, label in _HOTLINE:
            value = i.judgement.facts.get(key)
            if value is not None and value == value:
                out[label] = (round(float(value) * 100, 2), "%")
    if project.execution_rate is not None:
        out["预算执行率"] = (round(project.execution_rate * 100, 2), "%")
    return out


def _unit(i: IndicatorStatus) -> str:
    return (i.unit or "").replace("％", "%")


def _common(a: str, b: str) -> int:
    """The length of the longest run of characters ``a`` and ``b`` share."""
    best = 0
    for k in range(len(a)):
        for n in range(len(a) - k, best, -1):
            if a[k : k + n] in b:
                best = n
                break
    return best


def _closest(label: str, known: dict[str, tuple[float, str]], unit: str) -> str | None:
    """The known label sharing the longest run (≥ 3 characters, or all of a shorter one) with ``label``.

    Ties go to the label nearest in length: "接单率" is 接单率, not 按期接单率.
    """
    scored = []
    for name, (_, own) in known.items():
        if own != unit:
            continue
        n = _common(label, name)
        if n >= min(3, len(name)):
            scored.append((-n, abs(len(name) - len(label)), name))
    return min(scored)[2] if scored else None


def typed_mismatches(summary: str, known: dict[str, tuple[float, str]]) -> list[str]:
    """One warning per typed figure that differs from the data by more than ``TOLERANCE``."""
    out = []
    for label, number, unit in _TYPED.findall(summary or ""):
        unit = unit.replace("％", "%")
        name = _closest(label, known, unit)
        if name is None:
            continue
        value = known[name][0]
        typed = float(number)
        if abs(typed - value) > TOLERANCE + 1e-9:
            gap = "个百分点" if unit == "%" else unit
            out.append(
                f"实际完成情况写“{label}{number}{unit}”，数据为{value:.2f}{unit}（{name}），"
                f"相差{abs(typed - value):.2f}{gap}，请核对后再定稿"
            )
    return out
