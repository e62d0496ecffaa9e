"""The target grammar: what an indicator's 指标目标值 text means and what judging it needs.

Targets are written by people in many phrasings (``>=98%``, ``98%以上``, ``不低于``,
``1小时内``, ``无重大安全故障``, ``同比提高`` …).  ``parse_target`` turns the text into a
``Target`` that keeps the text verbatim (exports print it unchanged) and adds the
parsed meaning.  Text it cannot place is ``qualitative``: a person rates it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date

KINDS = (
    "at_least",
    "at_most",
    "equal",
    "zero_events",
    "increase",
    "above_reference",
    "qualitative",
    "deadline",
    "not_applicable",
)

# What each kind needs before it can be judged (docs/domain.md §3).
NEEDS = {
    "at_least": "actual",
    "at_most": "actual",
    "equal": "actual",
    "zero_events": "event_count",
    "increase": "baseline",
    "above_reference": "reference",
    "qualitative": "rating",
    "deadline": "completion_date",
    "not_applicable": None,
}

DIRECTION = {
    "at_least": "higher",
    "equal": "higher",
    "increase": "higher",
    "above_reference": "higher",
    "at_most": "lower",
    "zero_events": "lower",
}

UNIT_ALIASES = {"百分比": "%", "百分点": "%", "个百分点": "%", "小時": "小时", "h": "小时", "分钟内": "分钟"}
TIME_UNITS = {"小时", "分钟", "天", "日", "个工作日", "工作日", "秒"}

_NUM = r"(\d+(?:\.\d+)?)"

_AT_LEAST_WORDS = ("不低于", "不少于", "大于等于", "至少", "不小于", "达到")
_GREATER_WORDS = ("高于", "大于", "超过", "多于")
_AT_MOST_WORDS = ("不超过", "不高于", "不多于", "小于等于", "不大于", "控制在")
_LESS_WORDS = ("低于", "小于", "少于")
_INCREASE_WORDS = ("同比提高", "同比增长", "同比增加", "提高", "提升", "扩大", "增加", "增长", "上升")
_REFERENCE_WORDS = ("平均水平", "平均值", "平均数", "全市平均", "全国平均", "同类平均")
_ZERO_PREFIXES = ("无", "零", "杜绝", "没有", "未发生")
_NOT_APPLICABLE = {"无", "不适用", "本项目不适用此指标", "/", "—", "-"}


@dataclass(frozen=True)
class Target:
    """An indicator's target: the verbatim text and what it means."""

    text: str
    kind: str
    operator: str | None = None
    value: float | None = None
    unit: str | None = None
    deadline: date | None = None

    @property
    def direction(self) -> str | None:
        """``higher`` when more is better, ``lower`` when less is better, else None."""
        return DIRECTION.get(self.kind)

    @property
    def needs(self) -> str | None:
        """What judging it needs: actual, event_count, baseline, reference, rating, completion_date."""
        if self.kind == "at_most" and self.unit in TIME_UNITS:
            return "measured_times"
        return NEEDS[self.kind]

    def as_dict(self) -> dict:
        out = asdict(self)
        out["deadline"] = self.deadline.isoformat() if self.deadline else None
        out["direction"] = self.direction
        out["needs"] = self.needs
        return out


def normalise(text: str) -> str:
    """Fold full-width forms (＞＝％１) to ASCII and drop the line breaks PDF extraction leaves."""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("≧", "≥").replace("≦", "≤")
    folded = folded.replace(">=", "≥").replace("<=", "≤").replace("=>", "≥").replace("=<", "≤")
    return re.sub(r"\s+", "", folded)


def _unit(raw: str | None) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return UNIT_ALIASES.get(raw, raw)


def parse_target(text: str, name: str | None = None) -> Target:
    """Parse a 指标目标值.  ``name`` (the 三级指标) marks "本项目不适用此指标" rows."""
    raw = "" if text is None else str(text)
    s = normalise(raw)
    if not s or s in _NOT_APPLICABLE or (name and "不适用" in normalise(name)):
        return Target(raw, "not_applicable")
    for parse in (_parse_deadline, _parse_zero, _parse_reference, _parse_comparison, _parse_embedded):
        found = parse(raw, s)
        if found is not None:
            return found
    return Target(raw, "qualitative")


def _parse_deadline(raw: str, s: str) -> Target | None:
    m = re.fullmatch(r"(?:于|在)?(\d{4})年(?:(\d{1,2})月)?(?:(\d{1,2})日)?(年底|年末|底)?(?:前|之前|以前)(?:完成)?", s)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        deadline = date(year, 12, 31)
    elif day is None:
        deadline = date(year, int(month), calendar.monthrange(year, int(month))[1])
    else:
        deadline = date(year, int(month), int(day))
    return Target(raw, "deadline", operator="<=", deadline=deadline)


def _parse_zero(raw: str, s: str) -> Target | None:
    m = re.fullmatch(r"[=≤]?0(起|次|件|个|例|宗|人次)?", s)
    if m:
        return Target(raw, "zero_events", operator="=", value=0.0, unit=_unit(m.group(1)))
    if s.startswith(_ZERO_PREFIXES) and not re.search(r"\d", s) and len(s) > 1:
        return Target(raw, "zero_events", operator="=", value=0.0)
    return None


def _parse_reference(raw: str, s: str) -> Target | None:
    if not any(w in s for w in _REFERENCE_WORDS):
        return None
    if any(w in s for w in _LESS_WORDS + _AT_MOST_WORDS) and not any(w in s for w in _AT_LEAST_WORDS):
        return None  # "below the average" is a lower-is-better reference: a person rates it
    operator = ">=" if any(w in s for w in _AT_LEAST_WORDS) else ">"
    return Target(raw, "above_reference", operator=operator)


def _comparison(raw: str, op: str, number: str, unit: str | None) -> Target:
    value = float(number)
    unit = _unit(unit)
    if op in ("≥", ">"):
        kind = "at_least"
    elif op in ("≤", "<"):
        kind = "at_most"
    else:
        kind = "equal"
    if kind in ("at_most", "equal") and value == 0:
        return Target(raw, "zero_events", operator="=", value=0.0, unit=unit)
    return Target(raw, kind, operator={"≥": ">=", "≤": "<="}.get(op, op), value=value, unit=unit)


def _parse_comparison(raw: str, s: str) -> Target | None:
    """Whole-text comparisons: ``>=98%``, ``不低于95%``, ``98%以上``, ``1小时内``, bare ``100%``."""
    s = re.sub(r"^百分之" + _NUM, r"\1%", s)
    m = re.fullmatch(r"([≥≤><=])" + _NUM + r"(.{0,4})", s)
    if m and not re.search(r"\d", m.group(3)):
        return _comparison(raw, m.group(1), m.group(2), m.group(3))
    words = (
        [(w, "≥") for w in _AT_LEAST_WORDS]
        + [(w, ">") for w in _GREATER_WORDS]
        + [(w, "≤") for w in _AT_MOST_WORDS]
        + [(w, "<") for w in _LESS_WORDS]
    )
    for word, op in sorted(words, key=lambda pair: -len(pair[0])):
        m = re.fullmatch(re.escape(word) + _NUM + r"(.{0,4})", s)
        if m and not re.search(r"\d", m.group(2)):
            return _comparison(raw, op, m.group(1), m.group(2))
    m = re.fullmatch(_NUM + r"(.{0,4}?)(以上|及以上|以上\(含\)|或以上)", s)
    if m:
        return _comparison(raw, "≥", m.group(1), m.group(2))
    m = re.fullmatch(_NUM + r"(.{0,4}?)(以内|以下|及以下|之内|内)", s)
    if m:
        return _comparison(raw, "≤", m.group(1), m.group(2))
    m = re.fullmatch(_NUM + r"([^\d]{0,4})", s)
    if m:
        return _comparison(raw, "≥", m.group(1), m.group(2))
    return _parse_increase(raw, s)


def _parse_increase(raw: str, s: str) -> Target | None:
    if not any(w in s for w in _INCREASE_WORDS):
        return None
    m = re.search(r"(?:提高|增长|增加|提升|上升)" + _NUM + r"(%|个百分点|百分点)?", s)
    if m:
        return Target(raw, "increase", operator=">", value=float(m.group(1)), unit=_unit(m.group(2)))
    return Target(raw, "increase", operator=">")


def _parse_embedded(raw: str, s: str) -> Target | None:
    """Targets stated inside a sentence, e.g. "确保热点及负面1小时内发现、上报" or "确保每天14小时…监控"."""
    m = re.search(_NUM + r"(小时|分钟|个工作日|工作日|天)(?:以内|之内|内)", s)
    if m:
        return Target(raw, "at_most", operator="<=", value=float(m.group(1)), unit=_unit(m.group(2)))
    m = re.search(r"每(?:天|日|周|月|年)" + _NUM + r"(小时|次|期|篇|条|个|场|节)", s)
    if m:
        return Target(raw, "at_least", operator=">=", value=float(m.group(1)), unit=_unit(m.group(2)))
    return None
