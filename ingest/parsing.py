"""Column parsers for uploads: text cells → typed values, a whole column at a time.

Each parser returns the parsed column and a mask of cells that were filled but could not
be read, so validation can name every bad cell without looping in Python over good ones.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

_NUMBER_JUNK = re.compile(r"[,，\s¥￥元]")
_SIGNS_AND_MONEY = re.compile(r"[\s¥￥元%％]")
# thousands commas (ASCII or full-width) only between groups of three digits after the first one to three
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"\d\.\d+[,，]\d")
# an offset or Z after a time: 2020-03-05T10:00:00+08:00, 2020-03-05 10:00Z, …+0800
_OFFSET = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$")
# how every such time ends: a first look done in Arrow, so only the few cells it finds meet Python's regex
_OFFSET_END = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"
# Excel's day numbers for 1982–2173: a five-digit number where a month or date belongs
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (it counts 1900-02-29, so day 60 is skipped)


def blank(col: pd.Series) -> pd.Series:
    return col.fillna("").astype(str).str.strip() == ""


def numbers(col: pd.Series, *, percent_ok: bool = False) -> tuple[pd.Series, pd.Series]:
    """``1,234.5`` → 1234.5 (``98%`` → 98 when ``percent_ok``); bad → mask.

    Thousands commas are read only where they group by three (``1,234,567.5``): ``253.704,72`` (a decimal
    comma) and ``2,53,7,04.72`` are ambiguous and bad, never read as some other number."""
    raw = col.fillna("").astype(str)
    ambiguous = raw.str.contains(r"[,，]", regex=True)
    if ambiguous.any():
        bare = raw[ambiguous].str.replace(_SIGNS_AND_MONEY, "", regex=True)
        ambiguous.loc[ambiguous] = ~bare.str.fullmatch(_GROUPED).fillna(False).astype(bool)
    text = raw.str.replace(_NUMBER_JUNK, "", regex=True)
    if percent_ok:
        text = text.str.replace(r"[%％]$", "", regex=True)
    parsed = pd.to_numeric(text.where(text != "", None), errors="coerce")
    parsed = parsed.where(~ambiguous)
    bad = parsed.isna() & (text != "")
    bad |= np.isinf(parsed.fillna(0))
    return parsed.astype(float), bad


def number_trouble(text: str | None) -> str | None:
    """Why a cell that looks like a number was not read as one: ``decimal_comma``, ``odd_grouping`` or None."""
    bare = _SIGNS_AND_MONEY.sub("", text or "")
    if not re.search(r"[,，]", bare) or not re.fullmatch(r"[+-]?[\d,，.]*\d[\d,，.]*", bare):
        return None
    if _DECIMAL_COMMA.search(bare):
        return "decimal_comma"
    return None if _GROUPED.fullmatch(bare) else "odd_grouping"


def excel_serial(text: str | None) -> str | None:
    """The date an Excel day number stands for (``43891`` → ``2020-03-01``), for a cell meant as a month or date."""
    text = (text or "").strip()
    if not _SERIAL.fullmatch(text) or not 30000 <= float(text) < 100000:
        return None
    return (EXCEL_EPOCH + timedelta(days=int(float(text)))).isoformat()


def counts(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole non-negative numbers of things; 3.0 is 3, 3.5 is bad."""
    parsed, bad = numbers(col)
    bad |= parsed.notna() & (parsed != parsed.round())
    return parsed, bad


def months(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``2020-03``, ``2020/3``, ``2020年3月``, ``202003`` or a date → the month's first day."""
    text = col.fillna("").astype(str).str.strip()
    serial = text.str.fullmatch(_SERIAL) & (pd.to_numeric(text, errors="coerce") >= 30000)
    text = text.where(~serial, "serial")  # 43891 is Excel's 2020-03-01, not the year 4389: bad, explained later
    found = text.str.extract(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*(?:月|[-/.]\d{1,2}日?(?:[ T]00:00(?::00)?)?)?$")
    year = pd.to_numeric(found[0], errors="coerce")
    month = pd.to_numeric(found[1], errors="coerce")
    ok = year.notna() & month.between(1, 12)
    parsed = pd.to_datetime(pd.DataFrame({"year": year.where(ok), "month": month.where(ok), "day": 1}), errors="coerce")
    bad = (text != "") & parsed.isna()
    return parsed, bad


def local_times(col: pd.Series, zone: str) -> pd.Series:
    """Times written with an offset (``2020-03-05T10:00:00+08:00``, ``…Z``) as the local time in ``zone``,
    written without one (``2020-03-05 10:00:00``); every other cell as it was."""
    text = col.fillna("").astype(str).str.strip()
    offset = _has_offset(text)
    if not offset.any():
        return col
    when = pd.to_datetime(text[offset], format="ISO8601", errors="coerce", utc=True)
    local = when.dt.tz_convert(zone).dt.tz_localize(None).dt.strftime("%Y-%m-%d %H:%M:%S")
    return col.where(~offset, local.reindex(col.index).fillna(text))


def _has_offset(text: pd.Series) -> pd.Series:
    """Cells (stripped) holding a time with an offset; a million cells are looked at in Arrow, not one by one."""
    found = text.str.contains(_OFFSET_END, regex=True).fillna(False).astype(bool)
    if found.any():
        found[found] = text[found].str.contains(_OFFSET, regex=True)
    return found


def datetimes(col: pd.Series, zone: str | None = None) -> tuple[pd.Series, pd.Series]:
    """``2020-03-05 14:30[:00]``, ``2020/3/5 9:05`` or ``2020年3月5日 9:05`` → timestamp.

    A time with an offset is converted to the local time in ``zone``; with no zone given it is bad
    (never a guess, never a mix of zone-aware and local times)."""
    text = col.fillna("").astype(str).str.strip()
    if zone is not None:
        text = local_times(text, zone)
    text = text.where(~_has_offset(text), "offset")
    parsed = pd.to_datetime(text.where(text != "", None), format="ISO8601", errors="coerce")
    retry = parsed.isna() & (text != "")
    if retry.any():
        normal = (
            text[retry]
            .str.replace(r"[年/.]", "-", regex=True)
            .str.replace("月", "-", regex=False)
            .str.replace("日", " ", regex=False)
            .str.replace(r"\s+", " ", regex=True)
            .str.strip()
            .str.replace(r"^(\d{4})-(\d{1,2})-(\d{1,2})", _pad_date, regex=True)
            .str.replace(r" (\d):", r" 0\1:", regex=True)
        )
        parsed.loc[retry] = pd.to_datetime(normal, format="ISO8601", errors="coerce")
    bad = (text != "") & parsed.isna()
    return parsed, bad


def _pad_date(m: re.Match) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def dates(col: pd.Series, zone: str | None = None) -> tuple[pd.Series, pd.Series]:
    parsed, bad = datetimes(col, zone)
    return parsed.dt.normalize(), bad


def choices(col: pd.Series, allowed: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Map the words people use (Chinese or English) onto stored values; unknown → mask."""
    folded = {k.strip().lower(): v for k, v in allowed.items()}
    text = col.fillna("").astype(str).str.strip()
    parsed = text.str.lower().map(folded)
    bad = (text != "") & parsed.isna()
    return parsed, bad
