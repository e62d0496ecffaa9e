"""The project page's tables in the reader's words (issue 14): upload history, value revisions, and the
预算调整 / 绩效目标调整 ledgers show kinds in words, months as 2020年6月, money in 万元, times to the minute,
是/否 for flags and — for nothing, never ``actuals:budget``, ``35987000.0``, ``True`` or ``None``.

Pure functions over the DataFrames ``dashboard.data`` returns; the page renames the columns.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from core.numbers import money, month_label, num, yes_no
from dashboard.admin_tables import NOTHING, action_label
from metrics.ratings import LIKELIHOOD_ZH, RATING_EN, RATING_ZH

KIND_WORDS = {"actuals": "upload", "revert": "revert"}  # load_log.kind's head → the audit's action words


def _text(value) -> str:
    return NOTHING if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" else str(value)


def _time(value) -> str:
    return NOTHING if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _month(value: str | None, lang: str) -> str:
    """``2020-06`` (how the queries give a month) → 2020年6月 / Jun 2020; other text as it is."""
    text = _text(value)
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return month_label(date(int(text[:4]), int(text[5:]), 1), lang)
    return text


def kind_label(kind: str, lang: str) -> str:
    """``actuals:budget`` → 上传：预算执行; ``revert:…`` → 撤销更正：…; other kinds as the audit words them."""
    head, _, tail = kind.partition(":")
    return action_label(f"{KIND_WORDS.get(head, head)}:{tail}" if tail else kind, lang)


def upload_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The loads that wrote the project's rows, newest first."""
    out = history.copy()
    out["loaded_at"] = [_time(v) for v in out["loaded_at"]]
    out["kind"] = [kind_label(k, lang) for k in out["kind"]]
    for column in ("loaded_by", "file_name", "detail"):
        out[column] = [_text(v) for v in out[column]]
    return out.drop(columns=["load_id"])


def value_history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An indicator's entered values and ratings, every revision, newest first (load ids kept for revert)."""
    out = history.copy()
    out["month"] = [_month(v, lang) for v in out["month"]]
    out["value"] = [num(v) for v in out["value"]]
    ratings = RATING_EN if lang == "en" else RATING_ZH
    out["rating"] = [ratings.get(v, _text(v)) for v in out["rating"]]  # stored as codes: achieved → 达成
    if lang == "zh":
        out["likelihood"] = [LIKELIHOOD_ZH.get(v, _text(v)) for v in out["likelihood"]]
    for column in ("likelihood", "deviation_reason", "measures", "note", "file_name", "loaded_by"):
        out[column] = [_text(v) for v in out[column]]
    out["current"] = [yes_no(v, lang) for v in out["current"]]
    out["loaded_at"] = [_time(v) for v in out["loaded_at"]]
    return out


def ledger_table(ledger: pd.DataFrame, lang: str, *, amounts: bool) -> pd.DataFrame:
    """A 预算调整 (``amounts``: before and after are 元, shown in 万元) or 绩效目标调整 ledger."""
    out = ledger.copy()
    out["month"] = [_month(v, lang) for v in out["month"]]
    for column in ("before", "after"):
        out[column] = [money(v, lang) if amounts else _text(v) for v in out[column]]
    for column in ("reason", "approval", "who"):
        if column in out:
            out[column] = [_text(v) for v in out[column]]
    out["at"] = [_time(v) for v in out["at"]]
    out["current"] = [yes_no(v, lang) for v in out["current"]]
    return out
