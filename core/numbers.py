"""The one number formatter: every page, export and CLI line shows figures the same way.

People in the unit write 10,800 人次, 97.5%, 1小时22分 and 1,234.57万元; they never write 10800.0, 0.975,
1.37 hours or True.  The functions here take plain numbers (None or NaN shows as "—") and the UI language
("zh" or "en"), and never raise on a missing value.  The rules (docs/design.md, "Numbers on screen"):

- counts and values: thousands separators, at most two decimals, no trailing zeros (``num``);
- money: 万元 with two decimals on screens and in the briefing (``money``); the official forms keep 元
  with two decimals (``yuan``), as the finance bureau's forms print them;
- percentages: the value is already in percent points (97.5 → "97.5%"), one decimal at most (``pct``);
  a share 0–1 goes through ``share`` (0.975 → "97.5%");
- durations in hours: "1小时22分" / "1 h 22 min" (``duration``);
- a value with its indicator's unit: "48期", "10,800人次", "97.5%" (``with_unit``).
"""

from __future__ import annotations

import math
from datetime import date

DASH = "—"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def missing(x) -> bool:
    """None, NaN, NaT and pandas' NA are all "no value"."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except (TypeError, ValueError):
        return False


def num(x, digits: int = 2) -> str:
    """A figure as people write it: 80, 0.5, 1,200, 6,210.25 (never 80.0 or 6210.250); — when there is none."""
    if missing(x):
        return DASH
    x = float(x)
    if math.isinf(x):
        return DASH
    x = round(x, digits)
    if x == 0:
        return "0"  # not "-0"
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def pct(x, digits: int = 1) -> str:
    """A percentage given in points: 97.5 → "97.5%", 100 → "100%"."""
    return DASH if missing(x) else f"{num(x, digits)}%"


def share(x, digits: int = 1) -> str:
    """A share 0–1 as a percentage: 0.975 → "97.5%"."""
    return DASH if missing(x) else pct(float(x) * 100, digits)


def money(yuan, lang: str = "zh") -> str:
    """An amount in 元 shown in 万元 with two decimals: 12,345,678 → "1,234.57万元" ("¥12.35 m" in English)."""
    if missing(yuan):
        return DASH
    if lang == "en":
        return f"¥{float(yuan) / 1_000_000:,.2f} m"
    return f"{float(yuan) / 10_000:,.2f}万元"


def yuan(x) -> str:
    """An amount in 元 as the official forms print it: 1,234,567.80 (two decimals, no unit)."""
    return DASH if missing(x) else f"{float(x):,.2f}"


def duration(hours, lang: str = "zh") -> str:
    """Hours as people say them: 1.37 → "1小时22分", 0.5 → "30分钟" ("1 h 22 min", "30 min")."""
    if missing(hours):
        return DASH
    minutes = round(float(hours) * 60)
    h, m = divmod(minutes, 60)
    if lang == "en":
        return f"{m} min" if h == 0 else f"{h:,} h" + (f" {m} min" if m else "")
    if h == 0:
        return f"{m}分钟"
    return f"{h:,}小时" + (f"{m}分" if m else "")


def with_unit(x, unit: str | None, lang: str = "zh") -> str:
    """A value with its indicator's unit: 48 期 → "48期", 97.5 % → "97.5%", 1.37 小时 → "1小时22分"."""
    if missing(x):
        return DASH
    unit = (unit or "").strip()
    if unit == "%":
        return pct(x)
    if unit in ("小时", "h", "hours"):
        return duration(x, lang)
    if unit == "元":
        return money(x, lang)
    if unit == "万元":
        return money(float(x) * 10_000, lang)
    return num(x) + (("" if lang == "zh" else " ") + unit if unit else "")


def yes_no(flag, lang: str = "zh") -> str:
    """True/False as a word: 是/否 (Yes/No); — when unknown."""
    if missing(flag):
        return DASH
    return ("是" if flag else "否") if lang == "zh" else ("Yes" if flag else "No")


def month_name(month: int, lang: str = "zh") -> str:
    """6 → "6月" / "Jun"."""
    return f"{month}月" if lang == "zh" else MONTHS_EN[month - 1]


def month_label(d: date, lang: str = "zh") -> str:
    """A month as people write it: 2020年6月 / Jun 2020."""
    return f"{d.year}年{d.month}月" if lang == "zh" else f"{MONTHS_EN[d.month - 1]} {d.year}"
