"""The target grammar: what an indicator's 指标目标值 text means and what judging it needs.

Targets are written by people in many phrasings (``>=98%``, ``98%以上``, ``不低于``,
``1小时内``, ``无重大安全故障``, ``同比提高`` …) and, in other regions' and years' tables,
with magnitude words (``≥1.5万人次``), ranges (``90%-95%``) and deadlines without a year
(``年底前``; docs/domain.md §3, §9).  ``parse_target`` turns the text into a ``Target``
that keeps the text verbatim (exports print it unchanged) and adds the parsed meaning,
with the value scaled to plain units (``1000万元`` is 10,000,000 元).  Text it cannot
place is ``qualitative``: a person rates it.
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
    "between",
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
    "between": "actual",
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

# Magnitude words before a unit scale the value: 1.5万人次 is 15,000 人次, 1000万元 is 10,000,000 元.
# (千 alone is left out: 千克, 千米 and 千瓦 are units of their own.)
MAGNITUDES = (("千万", 10_000_000), ("百万", 1_000_000), ("亿", 100_000_000), ("万", 10_000))
_RANGE_SEPARATORS = r"\-~〜至到—–"  # after NFKC, ～ and － are ~ and -
_WITHIN_SUFFIX = r"(?:以内|之内|以下|及以下|内)?"

_AT_LEAST_WORDS = ("不低于", "不少于", "大于等于", "至少", "不小于", "达到")
_GREATER_WORDS = ("高于", "大于", "超过", "多于")
_AT_MOST_WORDS = ("不超过", "不高于", "不多于", "小于等于", "不大于", "控制在")
_INCREASE_VERBS = r"(?:提高|增长|增加|提升|上升)"
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
    high: float | None = None  # a range's upper bound (``between``: ``value`` is the lower one)

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


def scaled(number: str, unit: str | None) -> tuple[float, str | None]:
    """The value in plain units and the unit without its magnitude word: ("1.5", "万人次") → (15000.0, "人次")."""
    value, rest = float(number), (unit or "").strip()
    for word, factor in MAGNITUDES:
        if rest.startswith(word):
            # 1.5 × 10,000 in exact decimal steps, so 1.5万 is 15000.0, not 15000.000000000002
            return float(round(value * factor, 6)), _unit(rest[len(word) :])
    return value, _unit(rest)


def parse_target(text: str, name: str | None = None, year: int | None = None) -> Target:
    """Parse a 指标目标值.  ``name`` (the 三级指标) marks "本项目不适用此指标" rows; ``year`` (the
    project's) dates a deadline written without one (``年底前``, ``6月底前``)."""
    raw = "" if text is None else str(text)
    s = normalise(raw)
    if not s or s in _NOT_APPLICABLE or (name and "不适用" in normalise(name)):
        return Target(raw, "not_applicable")
    found = _parse_deadline(raw, s, year)
    if found is not None:
        return found
    for parse in (_parse_zero, _parse_reference, _parse_range, _parse_comparison, _parse_embedded):
        found = parse(raw, s)
        if found is not None:
            return found
    return Target(raw, "qualitative")


_DEADLINE = re.compile(
    r"(?:于|在)?(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?(年底|年末|底)?(?:前|之前|以前)(?:完成|完工|上线)?"
)


def _parse_deadline(raw: str, s: str, project_year: int | None = None) -> Target | None:
    """``2025年年底前``, ``2021年6月前``; without a year (``12月31日前完成``, ``年底前``) the project's year."""
    m = _DEADLINE.fullmatch(s)
    if not m or not (m.group(1) or m.group(2) or m.group(4) in ("年底", "年末")):
        return None
    month, day = m.group(2), m.group(3)
    year = int(m.group(1)) if m.group(1) else project_year
    if year is None:  # the words say when, the table did not say which year: judged by a rating all the same
        return Target(raw, "deadline", operator="<=")
    try:
        if month is None:
            deadline = date(year, 12, 31)
        elif day is None:
            deadline = date(year, int(month), calendar.monthrange(year, int(month))[1])
        else:
            deadline = date(year, int(month), int(day))
    except ValueError:  # 2月30日: not a date, so not a deadline
        return None
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
    value, unit = scaled(number, unit)
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
        # 控制在5%以内, 不超过90万元以下: the trailing 以内 repeats the word, it is not part of the unit
        m = re.fullmatch(re.escape(word) + _NUM + r"(.{0,4}?)" + _WITHIN_SUFFIX, s)
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
    """``同比提高``: above last year; ``较上年增长10%``: an increase of at least 10% (``>=``)."""
    if not any(w in s for w in _INCREASE_WORDS):
        return None
    m = re.search(_INCREASE_VERBS + r"(?:了)?" + _NUM + r"(%|个百分点|百分点|[万亿]?[^\d]{0,3}?)(?:以上|及以上)?$", s)
    if m:
        value, unit = scaled(m.group(1), m.group(2))
        return Target(raw, "increase", operator=">=", value=value, unit=unit)
    return Target(raw, "increase", operator=">")


_RANGE = re.compile(
    r"(?:在|介于|控制在|保持在)?"
    + _NUM
    + rf"([^\d{_RANGE_SEPARATORS}]{{0,4}}?)[{_RANGE_SEPARATORS}]"
    + _NUM
    + r"([^\d]{0,4}?)(?:之间|区间内|区间|范围内|以内)?"
)


def _parse_range(raw: str, s: str) -> Target | None:
    """``90%-95%``, ``90%～95%``, ``90-95%``, ``在90%至95%之间``, ``1万-2万人次``: between low and high.

    An end written without its unit takes the other end's (``90-95%``, ``1-2万人次``: 10,000–20,000 人次).
    """
    m = _RANGE.fullmatch(s)
    if not m:
        return None
    low_text, low_unit_text, high_text, high_unit_text = m.groups()
    low, low_unit = scaled(low_text, low_unit_text or high_unit_text)
    high, high_unit = scaled(high_text, high_unit_text or low_unit_text)
    if low_unit is None and low_unit_text:  # 1万-2万人次: the low end carried only its magnitude
        low_unit = high_unit
    if low_unit != high_unit or low > high or high_unit == "年":
        return None  # 3人-5次, 95%-90% or 2020-2021年 (a period) or 95%-90%: not a range a light can be judged by; a person rates it
    return Target(raw, "between", operator="between", value=low, unit=high_unit, high=high)


def _parse_embedded(raw: str, s: str) -> Target | None:
    """Targets stated inside a sentence, e.g. "确保热点及负面1小时内发现、上报" or "确保每天14小时…监控"."""
    m = re.search(_NUM + r"(小时|分钟|个工作日|工作日|天)(?:以内|之内|内)", s)
    if m:
        return Target(raw, "at_most", operator="<=", value=float(m.group(1)), unit=_unit(m.group(2)))
    m = re.search(r"每(?:天|日|周|月|年)" + _NUM + r"(小时|次|期|篇|条|个|场|节)", s)
    if m:
        return Target(raw, "at_least", operator=">=", value=float(m.group(1)), unit=_unit(m.group(2)))
    return None
