"""The project page's charts, drawn as SVG: each indicator's path through the year and the budget S-curve.

A project with 50 indicators draws 50 paths. As Plotly charts, a page of 13 cost the browser about 1.5 s
on the 2-core machine (loading the chart library, then laying out each chart) after the lights were
already shown. As SVG they reach the browser with the page's tables and are drawn as its text is
(docs/design.md, Charts). The overview keeps Plotly: its charts are one or two, and they are interactive.

Every chart reads at 390 px as at 1440 px: the SVG scales to its column (``grid``: one column on a
phone, three on a desk), month names come from ``core.numbers.month_name`` in the UI language, and each
point says its figures when pointed at (an SVG ``<title>``). Every text from data is HTML-escaped here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from core.numbers import month_name, num
from dashboard.render import COLOURS, FONT_FAMILY

WIDTH, WIDE = 360, 720  # the viewBox's width (a path, the S-curve); the drawing scales to its column
LEFT, RIGHT, BOTTOM = 46, 12, 22  # room for the value ticks, the last month, the month names
TITLE_LINE = 17  # height of a title line (13 px type)
LEGEND = 20  # height of the legend row
TITLE_CHARS = 22  # a title is wrapped at this many characters
MONTHS = range(1, 13)
INK, MUTED, GRID = "#444", "#888", "#e6e6e6"
DASHED, DOTTED = "7 4", "4 3"  # stroke-dasharray of the target and time lines, and of the expected path
LARGEST = 1e15  # a figure beyond this (an absurd upload, a target of 400 nines) is left out of the chart
GRID_CSS = (  # one line: the page sends the charts as one raw HTML block of Markdown (see ``grid``)
    "<style>"
    ".pb-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px 20px; }"
    ".pb-charts.pb-wide { grid-template-columns: minmax(0, 760px); }"
    ".pb-chart { margin: 0; }"
    ".pb-chart svg { width: 100%; height: auto; display: block; overflow: visible; }"
    ".pb-chart circle:hover { stroke: #222; stroke-width: 2; }"
    "</style>"
)


@dataclass(frozen=True)
class Series:
    """One line: its (month, value) points, how it is drawn, and a hover text and colour per point."""

    name: str
    points: list[tuple[float, float]]
    colour: str = INK
    dash: str = ""  # an SVG stroke-dasharray (DOTTED, DASHED)
    width: float = 2.0
    marker_colours: list[str] = field(default_factory=list)  # a marker per point when given
    tips: list[str] = field(default_factory=list)


def wrapped(title: str, width: int = TITLE_CHARS, lines: int = 3) -> list[str]:
    """A title cut into lines of at most ``width`` characters (the last one ends with … when cut short)."""
    parts = [title[k : k + width] for k in range(0, len(title), width)] or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][:-1] + "…"
    return parts


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values from at or below ``low`` to at or above ``high``, about ``count`` steps apart
    (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if not high - low > 1e-9 * max(1.0, abs(low), abs(high)):  # one value (or all but one): a span of one above
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw)
    start = math.floor(low / step + 1e-9) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9 * step and len(ticks) < 2 * count + 2:
        ticks.append(start + len(ticks) * step)
    return [float(f"{t:.12g}") + 0.0 for t in ticks]  # 0.30000000000000004 as 0.3, and -0.0 as 0


def tick_text(value: float, lang: str) -> str:
    """A value tick in few characters: 120,000 as 12万 and 300,000,000 as 3亿 (zh), or 120k and 300M (en)."""
    size = abs(value)
    if lang == "en":
        for unit, word in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if size >= unit * 10 or (unit > 1e3 and size >= unit):
                return f"{num(value / unit)}{word}"
        return num(value)
    for unit, word in ((1e8, "亿"), (1e4, "万")):
        if size >= unit:
            return f"{num(value / unit)}{word}"
    return num(value)


def said(text: str) -> str:
    """A text from data, safe inside the chart's markup: escaped, its line breaks (and runs of spaces) one space."""
    return escape(" ".join(str(text).split()))


def _text_width(text: str, size: float) -> float:
    """About how wide ``text`` is drawn: a CJK character is as wide as the type is tall, others about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.56 for c in text)


def line_chart(
    title: list[str],
    series: list[Series],
    lang: str,
    *,
    ticks: list[float] | None,
    height: int = 170,
    hline: tuple[float, str] | None = None,
    vline: float | None = None,
    labels: list[tuple[float, str]] = (),
    width: int = WIDTH,
    name: str = "",
) -> str:
    """A chart of months 1–12 across: ``series`` over value ``ticks`` (None: a single row, for ratings),
    with a labelled line across (``hline``: value, label), a line down at a month (``vline``), words
    above points (``labels``: month, text; on the single row), and the series named in a legend below;
    ``name``: what a screen reader says (the title unwrapped)."""
    top = TITLE_LINE * len(title) + 6
    legend_y = top + height + BOTTOM + 14
    total_h = legend_y + (LEGEND if any(s.name for s in series) or hline else 0)
    right = width - RIGHT

    def x(month: float) -> float:
        return LEFT + (month - 0.5) / 12 * (right - LEFT)

    low, high = (ticks[0], ticks[-1]) if ticks else (-0.6, 1.2)

    def y(value: float) -> float:
        return top + height - (value - low) / (high - low) * height

    out = [
        f'<svg viewBox="0 0 {width} {total_h:.0f}" role="img" aria-label="{said(name or " ".join(title))}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT_FAMILY}" font-size="11" fill="{INK}">'
    ]
    out += [
        f'<text x="0" y="{TITLE_LINE * (k + 1) - 4}" font-size="13">{said(line)}</text>' for k, line in enumerate(title)
    ]
    for value in ticks or []:
        out.append(
            f'<line x1="{LEFT}" x2="{right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 5}" y="{y(value) + 4:.1f}" text-anchor="end" fill="{MUTED}">{said(tick_text(value, lang))}</text>'
        )
    base = top + height
    out.append(f'<line x1="{LEFT}" x2="{right}" y1="{base}" y2="{base}" stroke="#bbb"/>')
    for month in MONTHS:
        called = month_name(month, lang)
        size = 10 if _text_width(called, 10) < (right - LEFT) / 12 else 8.5
        out.append(
            f'<text x="{x(month):.1f}" y="{base + 15}" text-anchor="middle" font-size="{size}" '
            f'fill="{MUTED}">{said(called)}</text>'
        )
    if vline is not None:
        out.append(f'<line x1="{x(vline):.1f}" x2="{x(vline):.1f}" y1="{top}" y2="{base}" stroke="#bbb"/>')
    if hline is not None:
        value, label = hline
        out.append(
            f'<line x1="{LEFT}" x2="{right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="{COLOURS["blue"]}" '
            f'stroke-dasharray="{DASHED}" stroke-width="1.5"/>'
        )
    for s in series:
        if len(s.points) > 1 and s.width > 0:
            points = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in s.points)
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            out.append(f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="{s.width}"{dash}/>')
        for k, (m, v) in enumerate(s.points if s.marker_colours else []):
            tip = f"<title>{said(s.tips[k])}</title>" if s.tips else ""
            out.append(
                f'<circle cx="{x(m):.1f}" cy="{y(v):.1f}" r="4.5" fill="{s.marker_colours[k]}" stroke="#fff" '
                f'stroke-width="1" data-month="{int(m)}">{tip}</circle>'
            )
    for m, text in labels:
        out.append(f'<text x="{x(m):.1f}" y="{y(0) - 10:.1f}" text-anchor="middle">{said(text)}</text>')
    out.append(_legend(series, hline, legend_y))
    out.append("</svg>")
    return "".join(out)


def _legend(series: list[Series], hline: tuple[float, str] | None, at: float) -> str:
    """The named series and the line across, left to right, each after a short sample of its line."""
    items = [(wrapped(s.name, TITLE_CHARS, 1)[0], s.colour, s.dash) for s in series if s.name]
    if hline is not None:
        items.append((hline[1], COLOURS["blue"], DASHED))
    out, left = [], 0.0
    for name, colour, dash in items:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{left:.1f}" x2="{left + 18:.1f}" y1="{at:.1f}" y2="{at:.1f}" stroke="{colour}" stroke-width="2"{dashed}/>'
            f'<text x="{left + 22:.1f}" y="{at + 4:.1f}">{said(name)}</text>'
        )
        left += 22 + _text_width(name, 11) + 14
    return "".join(out)


def placeable(value) -> bool:
    """A number a chart can place: not text, missing, infinite or beyond ``LARGEST``."""
    try:
        return abs(float(value)) < LARGEST
    except (TypeError, ValueError):
        return False


def _finite(values: pd.Series) -> pd.Series:
    """Which values are numbers a chart can place (``placeable``)."""
    return pd.to_numeric(values, errors="coerce").astype(float).abs().lt(LARGEST)


def _numbers(values) -> list[float]:
    return [float(v) for v in values]


def _value_ticks(values: list[float]) -> list[float]:
    """Counts, rates and hours start at 0; all zero (no event all year) reads 0 at the bottom, 1 above."""
    if not values:
        return [0.0, 1.0]
    low, high = min(values), max(values)
    if low >= 0:
        low = 0.0
        if high == 0:
            return [0.0, 1.0]
    return nice_ticks(low, high)


def _changes(texts: list[str]) -> list[str]:
    """A rating written only where it changes (and in the last month): twelve equal words would overlap."""
    return [t if k == 0 or t != texts[k - 1] or k == len(texts) - 1 else "" for k, t in enumerate(texts)]


def indicator_path(
    path: pd.DataFrame, target: float | None, labels: dict[str, str], title: str, lang: str = "zh"
) -> str:
    """Actual month by month (to date for counts that accumulate, as ``labels["actual"]`` says), the
    expected path, and the annual target; ratings and other texts as their lights in a row, each
    rating written where it changes. ``path``: ``metrics.paths`` rows of one indicator (month,
    actual, expected, status)."""
    numeric = path[_finite(path["actual"])]
    expected = path[_finite(path["expected"])]
    lines = wrapped(" ".join(title.split()))
    if numeric.empty:  # ratings and other texts: the light month by month, the rating where it changes
        texts = [str(a) for a in path["actual"].astype(object).fillna("—")]
        months = [int(m) for m in path["month"]]
        row = Series(
            "",
            [(m, 0.0) for m in months],
            width=0,
            marker_colours=[COLOURS[s] for s in path["status"]],
            tips=[f"{month_name(m, lang)}：{t}" for m, t in zip(months, texts, strict=True)],
        )
        words = [(m, t) for m, t in zip(months, _changes(texts), strict=True) if t]
        return _figure(line_chart(lines, [row], lang, ticks=None, height=60, labels=words, name=title), title)
    actual = _numbers(numeric["actual"])
    wanted = _numbers(expected["expected"])
    months = [int(m) for m in numeric["month"]]
    due = dict(zip(expected["month"].astype(int), wanted, strict=True))
    tips = [
        f"{month_name(m, lang)}：{labels['actual']} {num(a)}"
        + (f" · {labels['expected']} {num(due[m])}" if m in due else "")
        for m, a in zip(months, actual, strict=True)
    ]
    series = [
        Series(
            labels["actual"],
            list(zip(months, actual, strict=True)),
            marker_colours=[COLOURS[s] for s in numeric["status"]],
            tips=tips,
        )
    ]
    if wanted:
        series.append(
            Series(
                labels["expected"], list(zip(expected["month"].astype(int), wanted, strict=True)), MUTED, DOTTED, 1.5
            )
        )
    target = target if target is not None and placeable(target) else None
    ticks = _value_ticks(actual + wanted + ([target] if target is not None else []))
    hline = (target, labels["target"]) if target is not None else None
    return _figure(line_chart(lines, series, lang, ticks=ticks, hline=hline, name=title), title)


def budget_curve(curves: pd.DataFrame, as_of: int, labels: dict[str, str], name: str, lang: str = "zh") -> str:
    """One project's cumulative 执行率 by month up to ``as_of`` against the time-progress line m/12, with
    the month shown marked. ``curves``: ``data.project_curves`` rows (name, month, execution_rate)."""
    rows = curves[(curves["name"] == name) & (curves["month"] <= as_of) & _finite(curves["execution_rate"])]
    rates = _numbers(rows["execution_rate"] * 100)
    months = [int(m) for m in rows["month"]]
    time = Series(labels["time"], [(m, m / 12 * 100) for m in MONTHS], MUTED, DASHED, 1.5)
    own = Series(
        name,
        list(zip(months, rates, strict=True)),
        COLOURS["blue"],
        marker_colours=[COLOURS["blue"]] * len(months),
        tips=[f"{month_name(m, lang)} {r:.1f}%" for m, r in zip(months, rates, strict=True)],
    )
    ticks = nice_ticks(0.0, max([100.0, *rates]))
    title = [labels["rate"] + " %"]
    chart = line_chart(title, [time, own], lang, ticks=ticks, height=200, vline=as_of, width=WIDE)
    return _figure(chart, labels["rate"])


def _figure(svg: str, title: str) -> str:
    return f'<figure class="pb-chart" data-title="{said(title)}">{svg}</figure>'


def grid(figures: list[str], wide: bool = False) -> str:
    """Charts side by side as the width allows: three on a desk, one on a phone (``wide``: one, up to 760 px).

    For ``st.markdown(…, unsafe_allow_html=True)``: ``st.html`` keeps HTML only and drops every SVG.
    The block is one line (every text from data has its line breaks made spaces and is escaped: ``said``),
    so Markdown reads all of it as raw HTML and none of it as Markdown."""
    return f'{GRID_CSS}<div class="pb-charts{" pb-wide" if wide else ""}">{"".join(figures)}</div>'
