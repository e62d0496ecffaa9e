"""Column parsers for uploads: text cells → typed values, a whole column at a time.

Each parser returns the parsed column and a mask of cells that were filled but could not
be read, so validation can name every bad cell without looping in Python over good ones.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_NUMBER_JUNK = re.compile(r"[,，\s¥￥元]")


def blank(col: pd.Series) -> pd.Series:
    return col.fillna("").astype(str).str.strip() == ""


def numbers(col: pd.Series, *, percent_ok: bool = False) -> tuple[pd.Series, pd.Series]:
    """``1,234.5`` → 1234.5 (``98%`` → 98 when ``percent_ok``); bad → mask."""
    text = col.fillna("").astype(str).str.replace(_NUMBER_JUNK, "", regex=True)
    if percent_ok:
        text = text.str.replace(r"[%％]$", "", regex=True)
    parsed = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = parsed.isna() & (text != "")
    bad |= np.isinf(parsed.fillna(0))
    return parsed.astype(float), bad


def counts(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole non-negative numbers of things; 3.0 is 3, 3.5 is bad."""
    parsed, bad = numbers(col)
    bad |= parsed.notna() & (parsed != parsed.round())
    return parsed, bad


def months(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``2020-03``, ``2020/3``, ``2020年3月``, ``202003`` or a date → the month's first day."""
    text = col.fillna("").astype(str).str.strip()
    found = text.str.extract(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*(?:月|[-/.]\d{1,2}日?(?:[ T]00:00(?::00)?)?)?$")
    year = pd.to_numeric(found[0], errors="coerce")
    month = pd.to_numeric(found[1], errors="coerce")
    ok = year.notna() & month.between(1, 12)
    parsed = pd.to_datetime(pd.DataFrame({"year": year.where(ok), "month": month.where(ok), "day": 1}), errors="coerce")
    bad = (text != "") & parsed.isna()
    return parsed, bad


def datetimes(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``2020-03-05 14:30[:00]``, ``2020/3/5 9:05`` or ``2020年3月5日 9:05`` → timestamp."""
    text = col.fillna("").astype(str).str.strip()
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


def dates(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed, bad = datetimes(col)
    return parsed.dt.normalize(), bad


def choices(col: pd.Series, allowed: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Map the words people use (Chinese or English) onto stored values; unknown → mask."""
    folded = {k.strip().lower(): v for k, v in allowed.items()}
    text = col.fillna("").astype(str).str.strip()
    parsed = text.str.lower().map(folded)
    bad = (text != "") & parsed.isna()
    return parsed, bad
