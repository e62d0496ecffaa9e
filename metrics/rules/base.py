"""What every rule is made of, and the steps rules share: grey for missing data, the accumulating light.

A rule judges all of its indicators at once: ``judge(frame, measures, period)`` gets one row per
indicator (target, binding, and the columns of its measure already joined) and returns the same
rows with the verdict columns of ``verdict`` filled (status, actual, expected, projection, at_risk,
grey), plus whatever facts its ``explain`` needs.
Explanations are rendered later, only for the rows someone reads, from those facts and from the
same band object (``metrics.lights``) the light was judged with.

The rows may also be several months of the same indicators (the project page's paths, metrics/paths.py):
each row then carries the month it is judged as of in ``AS_OF``, and what a rule does with the month it
reads through ``as_of``. December is never judged in one call with another month (its lights mean
achieved or not), so ``period.final`` holds for every row of a call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from core.config import Config
from core.numbers import duration  # noqa: F401  (the rules import it from here)
from metrics.lights import BLUE, GREEN, GREY, YELLOW, Accumulating, Achieved, Bands, num, percent


class RuleName(StrEnum):
    BUDGET_EXECUTION_RATE = "budget_execution_rate"
    BUDGET_FUNDS_RATE = "budget_funds_rate"
    BUDGET_TIMELINESS = "budget_timeliness"
    HOTLINE_ACCEPT_RATE = "hotline_accept_rate"
    HOTLINE_ONTIME_RATE = "hotline_ontime_rate"
    HOTLINE_CLOSE_RATE = "hotline_close_rate"
    OPINION_DAILY_HOURS = "opinion_daily_hours"
    OPINION_REPORT_WITHIN = "opinion_report_within"
    VISITORS_YOY = "visitors_yoy"
    DELIVERABLE_COUNT = "deliverable_count"
    VALUE_LATEST = "value_latest"
    VALUE_SUM = "value_sum"
    VALUE_VS_BASELINE = "value_vs_baseline"
    VALUE_VS_REFERENCE = "value_vs_reference"
    VALUE_BETWEEN = "value_between"
    RATING = "rating"


class Grey(StrEnum):
    """Why a light is grey: each has its own sentence (``explain_grey``)."""

    NONE = ""
    STREAM_MISSING = "stream_missing"  # a month of the stream is not reported
    NOT_DUE = "not_due"  # nothing was due yet: left out of the project's light
    DUE_MISSING = "due_missing"  # the latest due value or rating is not reported
    NO_BASELINE = "no_baseline"
    NO_REFERENCE = "no_reference"
    NO_VISITOR_BASELINE = "no_visitor_baseline"
    NOT_APPLICABLE = "not_applicable"
    NO_BUDGET = "no_budget"  # no positive 当年预算: no rate can be computed
    NO_TICKETS = "no_tickets"  # no ticket was received: no rate can be computed
    NO_TARGET = "no_target"  # the target has no number to compare a value with


@dataclass(frozen=True)
class Period:
    """The as-of month and the configuration in force: what every rule judges against."""

    year: int
    month: int
    config: Config

    @property
    def time_progress(self) -> float:
        return self.month / 12

    @property
    def final(self) -> bool:
        """The year's last month: a light means achieved, "on track" no longer applies (docs/domain.md §8)."""
        return self.month == 12


Facts = Mapping[str, Any]

AS_OF = "as_of"  # the column of a row's own as-of month, when several months are judged in one call
MONTHS_CODED = 13  # a month 1–12 as one digit of a number in base 13 (``accumulate`` codes its pairs so)


def as_of(rows: pd.DataFrame, period: Period) -> int | np.ndarray:
    """The month each of ``rows`` is judged as of: its ``AS_OF`` when it has one, else the period's."""
    return rows[AS_OF].to_numpy(dtype=np.int64) if AS_OF in rows.columns else period.month


def time_progress(rows: pd.DataFrame, period: Period) -> float | np.ndarray:
    """month ÷ 12 of each row (``as_of``)."""
    return as_of(rows, period) / 12


@dataclass(frozen=True)
class Rule:
    """One rule of the registry: where its actual comes from, how it becomes a light, how it reads."""

    name: RuleName
    stream: str  # the table it reads
    measures: tuple[str, ...]  # the measures (metrics.measures.MEASURES) that feed it
    formula: str  # how the actual is formed, in words (docs/rules.md)
    projection: str  # how the year end is projected, in words
    bands: Callable[[Config], Bands]  # the band bounds, from the configuration
    judge: Callable[[pd.DataFrame, Mapping[str, pd.DataFrame], Period], pd.DataFrame]
    explain: Callable[[Facts, Period, str], str]  # one line a leader can read, from the facts and the bands
    what: tuple[str, str] = ("数据", "data")  # what is missing when the light is grey (zh, en)
    final_bands: Callable[[Config], Bands] | None = None  # at the year's last month, when they differ
    each_month: bool = False  # may be bound with ``each_month = true`` (a target every month must meet)

    def bands_at(self, period: Period) -> Bands:
        """The bands a light of ``period`` is judged by: the final ones at the year's last month."""
        chosen = self.final_bands if period.final and self.final_bands else self.bands
        return chosen(period.config)


# -- formatting -------------------------------------------------------------------------------------
def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def with_unit(unit: str | None, digits: int = 2) -> Callable[[float], str]:
    """A formatter for values of this unit: 26 → "26期", 81 → "81分"."""

    def shown(v: float) -> str:
        return f"{num(round(v, digits))}{unit or ''}"

    return shown


def months_zh(months: list[int]) -> str:
    return "、".join(f"{m}月" for m in months)


def is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def missing_months(mask, month: int) -> list[int]:
    """The months 1…month whose bit is not set in ``mask`` (bit m for month m; None when nothing was reported)."""
    bits = 0 if is_missing(mask) else int(mask)
    return [m for m in range(1, month + 1) if not bits >> m & 1]


# -- frames -----------------------------------------------------------------------------------------
def verdict(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty verdict columns on a copy of ``frame``: grey, no actual, nothing expected."""
    n = len(frame)
    return frame.assign(
        status=np.full(n, str(GREY), dtype=object),
        actual=np.full(n, None, dtype=object),
        expected=np.full(n, None, dtype=object),
        projection=np.full(n, None, dtype=object),
        at_risk=np.zeros(n, dtype=bool),
        grey=np.full(n, str(Grey.NONE), dtype=object),
    )


def join(frame: pd.DataFrame, measure: pd.DataFrame, on: str | list[str]) -> pd.DataFrame:
    """The indicators with their measure's columns (NaN where the measure has no row; the frame's own win)."""
    keys = [on] if isinstance(on, str) else list(on)
    extra = [c for c in measure.columns if c not in frame.columns]
    if measure.empty:
        aligned = pd.DataFrame({c: np.full(len(frame), np.nan) for c in extra}, index=frame.index)
    else:

        def index(rows: pd.DataFrame):
            return rows[keys[0]].to_numpy() if len(keys) == 1 else pd.MultiIndex.from_frame(rows[keys])

        aligned = measure[extra].set_axis(index(measure)).reindex(index(frame)).set_axis(frame.index)
    return pd.concat([frame, aligned], axis=1)


def grey_where(out: pd.DataFrame, mask, reason: Grey) -> pd.Series:
    """Mark ``mask`` grey for ``reason`` where no earlier reason holds; returns the rows still to judge."""
    grey = out["grey"].to_numpy(dtype=object).copy()
    mask = np.asarray(mask, dtype=bool) & (grey == str(Grey.NONE))
    if mask.any():
        grey[mask] = str(reason)
        status = out["status"].to_numpy(dtype=object).copy()
        status[mask] = str(GREY)
        out["grey"], out["status"] = grey, status
    return pd.Series(grey == str(Grey.NONE), index=out.index)


def put(out: pd.DataFrame, rows, **columns) -> None:
    """Set ``columns`` on ``rows`` (index labels or a boolean mask), a whole column at a time (cheaper than ``.loc``)."""
    at = out.index.get_indexer(rows) if isinstance(rows, pd.Index) else np.flatnonzero(np.asarray(rows, dtype=bool))
    for name, values in columns.items():
        current = out[name].to_numpy(dtype=object, copy=True) if name in out else np.full(len(out), None, object)
        current[at] = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
        out[name] = current


def stream_missing(out: pd.DataFrame, period: Period, column: str = "n_months") -> pd.Series:
    """Grey where the stream has fewer than ``month`` months reported; returns the rows still to judge."""
    reported = out[column].fillna(0).to_numpy(dtype=float) if column in out else np.zeros(len(out))
    return grey_where(out, reported < as_of(out, period), Grey.STREAM_MISSING)


def per_distinct(values: pd.Series, fn: Callable[[Any], Any], dtype=object) -> np.ndarray:
    """``fn`` of each row's value, computed once per distinct value (None for missing) and spread back.

    Bindings repeat a handful of texts (params, plans) over thousands of indicators.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=dtype)
    for k, u in enumerate([*uniques, None]):
        results[k] = fn(u)
    return results[codes]  # code -1 (missing) takes the last entry, fn(None)


def params_of(text: str | None) -> dict:
    """A binding's extra parameters (``due``, ``accumulate``…) from their JSON text."""
    return json.loads(text) if isinstance(text, str) and text else {}


def _due_months(text: str | None, config: Config) -> tuple[int, ...]:
    return tuple(params_of(text).get("due") or config.due.value_months)


def due_grey(out: pd.DataFrame, period: Period, seen_column: str) -> pd.Series:
    """Values and ratings are due on set months: grey when the latest due month has no entry.

    Before the first due month with nothing entered the light is grey and *not due* (left out of
    the project's light); an entry made early is judged. Returns the rows still to judge.
    """
    config, months = period.config, np.broadcast_to(as_of(out, period), len(out))
    latest_due = np.zeros(len(out), dtype=int)
    for month in np.unique(months):  # one month, or each of the months judged together
        at = months == month
        latest_due[at] = per_distinct(
            out["params"][at],
            lambda text, month=month: max((m for m in _due_months(text, config) if m <= month), default=0),
        ).astype(int)
    first_due = per_distinct(out["params"], lambda text: min(_due_months(text, config), default=0)).astype(int)
    seen = pd.to_datetime(out[seen_column]).dt.month.fillna(0).to_numpy() if seen_column in out else 0
    out["due_month"] = latest_due
    out["first_due"] = first_due
    grey_where(out, (latest_due == 0) & (seen == 0), Grey.NOT_DUE)
    return grey_where(out, (latest_due > 0) & (seen < latest_due), Grey.DUE_MISSING)


def explain_grey(facts: Facts, period: Period, lang: str, what: tuple[str, str]) -> str:
    """The sentence of a grey light, by its reason."""
    reason = Grey(facts["grey"])
    y, m = period.year, period.month
    zh = lang != "en"
    if reason == Grey.STREAM_MISSING:
        missing = missing_months(facts.get("months_mask"), m)
        if zh:
            return f"{months_zh(missing)}{what[0]}未填报，无法判断"
        return f"no {what[1]} for {', '.join(f'{y}-{k:02d}' for k in missing)}: not judged"
    if reason == Grey.NOT_DUE:
        first = int(facts["first_due"])
        return (
            f"尚未到填报期（首次为{first}月），暂无{what[0]}" if zh else f"no {what[1]} yet; first due in month {first}"
        )
    if reason == Grey.DUE_MISSING:
        due = int(facts["due_month"])
        return f"{due}月{what[0]}未填报" if zh else f"{what[1]} for {y}-{due:02d} not reported"
    if reason == Grey.NO_BASELINE:
        return (
            "未上传基期值（上年同期），无法判断是否提高"
            if zh
            else "no baseline (last year's value) uploaded: not judged"
        )
    if reason == Grey.NO_REFERENCE:
        if zh:
            return "未上传参考值（如全市平均水平），无法判断"
        return "no reference value (e.g. the city average) uploaded: not judged"
    if reason == Grey.NO_VISITOR_BASELINE:
        if zh:
            return f"未上传{y - 1}年1–{m}月的基期数据，无法同比"
        return f"no baseline for {y - 1} months 1–{m}: not judged"
    if reason == Grey.NOT_APPLICABLE:
        return "本项目不适用此指标" if zh else "not applicable to this project"
    if reason == Grey.NO_BUDGET:
        return "当年预算数为零或未填，无法计算执行率" if zh else "no budget for the year: no rate to judge"
    if reason == Grey.NO_TARGET:
        return "目标值不是数值，无法与实际值比较" if zh else "the target has no number to compare the value with"
    if reason == Grey.NO_TICKETS:
        return f"截至{m}月无受理工单，无法计算" if zh else f"no tickets received by {y}-{m:02d}: no rate to judge"
    raise ValueError(f"not a grey reason: {reason!r}")  # pragma: no cover


# -- no green that is about to miss -----------------------------------------------------------------
def no_green_at_risk(out: pd.DataFrame) -> pd.DataFrame:
    """A green light whose year-end projection misses its target is yellow: on pace is not enough.

    The rule's own light stays in ``judged_status`` so its explanation can quote the band it fell in;
    ``demoted`` marks the rows, and ``explain_demoted`` adds the sentence that says why.
    """
    status = out["status"].to_numpy(dtype=object)
    demoted = (status == str(GREEN)) & out["at_risk"].to_numpy(dtype=bool)
    out["demoted"] = demoted
    if demoted.any():
        out["judged_status"] = status.copy()
        out["status"] = np.where(demoted, str(YELLOW), status).astype(object)
    return out


def explain_demoted(facts: Facts, lang: str) -> str:
    """The sentence a demoted light ends with."""
    if not facts.get("demoted"):
        return ""
    if lang == "en":
        return "; on pace, but the year-end projection misses the target: yellow"
    return "；进度正常但全年预计未达标，为黄灯"


def explain_revised(facts: Facts, lang: str) -> str:
    """When a revised target (绩效目标调整) judged the light: which, from when, and the original."""
    month, original, target = facts.get("revised_month"), facts.get("target_original"), facts.get("target")
    if is_missing(month) or original is None or original == target:
        return ""
    if lang == "en":
        return f" (revised target {target} from month {int(month)}; originally {original})"
    return f"（按调整后目标{target}，{int(month)}月起；原目标{original}）"


# -- plans and the accumulating light ---------------------------------------------------------------
def expected_to_date(plan: Mapping[int, float] | None, target: float, month: int) -> float:
    """T × m/12, or the phased plan interpolated between its months (from 0 at the start, to T at month 12)."""
    if not plan:
        return target * month / 12
    points = [(0, 0.0), *sorted((int(k), float(v)) for k, v in plan.items())]
    if points[-1][0] < 12:
        points.append((12, target))
    for (m0, v0), (m1, v1) in zip(points, points[1:], strict=False):
        if m0 <= month <= m1:
            return v0 + (v1 - v0) * (month - m0) / (m1 - m0)
    return points[-1][1]


def _expectations(plan: str, target: float, month: int) -> tuple[float, float]:
    """Expected by ``month`` and by the year end for one plan text ("" for none) and target."""
    parsed = json.loads(plan) if plan else None
    return expected_to_date(parsed, target, month), expected_to_date(parsed, target, 12)


def accumulating_bands(period: Period) -> Accumulating | Achieved:
    """On track during the year; achieved or not at its last month."""
    return Achieved.of(period.config) if period.final else Accumulating.of(period.config)


def accumulate(out: pd.DataFrame, todo: pd.Series, actual: np.ndarray, target: np.ndarray, period: Period) -> None:
    """The accumulating light on the rows ``todo``: actual to date against expected to date.

    x = actual ÷ expected × 100 (bands ``lights.Accumulating``; at December ``lights.Achieved``, where
    expected is the target itself); nothing expected yet is green, or blue if something was done.
    Projection: the plan's remaining steps added to the actual (按计划), else the run rate (按当前进度);
    at risk when the projection falls short of the target.
    """
    idx = np.flatnonzero(todo.to_numpy())
    if not len(idx):
        return
    m = np.broadcast_to(as_of(out, period), len(out))[idx]
    plans = out["plan"].iloc[idx]
    target = np.asarray(target, dtype=float)[idx]
    actual = np.asarray(actual, dtype=float)[idx]
    # each distinct (plan, target, month) is worked out once
    plan_codes, plan_texts = pd.factorize(plans, use_na_sentinel=True)
    target_codes, targets = pd.factorize(target, use_na_sentinel=True)
    width = len(targets) + 1
    pair = (plan_codes.astype(np.int64) + 1) * width + target_codes + 1
    pair_codes, pairs = pd.factorize(pair * MONTHS_CODED + m)  # the month in the lowest digit
    ends = np.array(
        [
            _expectations(
                plan_texts[p // MONTHS_CODED // width - 1] if p // MONTHS_CODED // width else "",
                targets[p // MONTHS_CODED % width - 1] if p // MONTHS_CODED % width else np.nan,
                p % MONTHS_CODED,
            )
            for p in pairs
        ],
        dtype=float,
    ).reshape(-1, 2)
    expected, year_end = ends[pair_codes, 0], ends[pair_codes, 1]
    has_plan = plan_codes >= 0
    bands = accumulating_bands(period)
    x = percent(actual, expected)  # NaN where nothing is expected yet
    status = np.where(expected > 0, bands.classify(x), np.where(actual > 0, str(BLUE), str(GREEN)))
    during = np.where(has_plan, actual + np.maximum(0.0, year_end - expected), actual * 12 / m)
    projection = np.where(m < 12, during, actual)
    rows = out.index[idx]
    put(out, rows, status=status, actual=actual.astype(object), expected=expected, x=x)
    put(out, rows, projection=projection.astype(object), at_risk=projection < target, has_plan=has_plan)


def explain_accumulating(
    facts: Facts, period: Period, lang: str, shown: Callable[[float], str], label: str, label_en: str
) -> str:
    """截至6月完成26期，计划应达20期（130%），≥120%为蓝灯…; the band quoted is the one that judged it."""
    bands = accumulating_bands(period)
    m, status = period.month, facts["status"]
    judged = facts.get("judged_status") or status  # the rule's own light, before an at-risk green turned yellow
    actual, expected, x = float(facts["actual"]), float(facts["expected"]), facts.get("x")
    has_x = not is_missing(x)
    plan = bool(facts.get("has_plan"))
    if lang == "en":
        basis = "the year's target" if period.final else "the plan" if plan else "time progress"
        ratio = f" ({x:.0f}%)" if has_x else ""
        return (
            f"{label_en} {shown(actual)} by {period.year}-{m:02d} against {shown(expected)} expected by {basis}"
            f"{ratio}; {bands.says(judged, 'en')}"
        )
    basis = "计划" if plan else "按时间进度"
    ratio = f"（{x:.0f}%）" if has_x else ""
    risk = ""
    if not period.final:
        projection = float(facts["projection"])
        pace = "按计划进度" if plan else "按当前进度"
        warned = facts["at_risk"] and not facts.get("demoted")  # a demoted light says it in its own words
        risk = f"；{pace}全年预计" + shown(projection) + ("，有完不成风险" if warned else "")
    against = f"全年目标{shown(expected)}" if period.final else f"{basis}应达{shown(expected)}"
    return f"截至{m}月{label}{shown(actual)}，{against}{ratio}，{bands.says(judged)}{risk}"
