"""Plotly figures: budget execution against time progress, an indicator's path through the year, and the
budget × results quadrant of the overview.

Plotly reads a subset of HTML in every text (``<a href>`` becomes a link), so each text from data is
HTML-escaped here, and never pasted into a hover template (where ``%{…}`` would be read).

Every chart must read at 390 px as well as at 1440 px (docs/design.md, numbers on screen): month names
from ``core.numbers.month_name`` in the UI language, legends below the plot, margins that grow to fit
the tick labels (``automargin``), and no mode bar over the title (``CONFIG``, passed to
``st.plotly_chart``).
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from core.numbers import month_name, num, share
from dashboard.render import COLOURS

MONTHS = list(range(1, 13))
CONFIG = {"displayModeBar": False, "responsive": True}  # st.plotly_chart(config=CONFIG): no toolbar over titles
TITLE_CHARS = 20  # a chart title is wrapped at this many characters so that it fits a phone's width
FONT = {"family": "Noto Sans CJK SC, Noto Sans SC, sans-serif"}


def _layout_spec(y_title: str, height: int = 360, lang: str = "zh") -> dict:
    """The layout every chart shares: the months along the bottom in the UI language, the legend below."""
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12, "yanchor": "top"},
        "xaxis": {
            "title": {"text": None},
            "tickmode": "array",
            "tickvals": MONTHS,
            "ticktext": [month_name(m, lang) for m in MONTHS],
            "tickfont": {"size": 10},
            "tickangle": 0,  # twelve short labels fit 390 px level; turned, they ran into the legend
            "range": [0.5, 12.5],
            "automargin": True,
        },
        "yaxis": {"title": {"text": y_title}, "automargin": True},
        "font": FONT,
    }


def _layout(fig: go.Figure, y_title: str, height: int = 360, lang: str = "zh") -> go.Figure:
    fig.update_layout(**_layout_spec(y_title, height, lang))
    return fig


def wrapped(title: str, width: int = TITLE_CHARS, lines: int = 3) -> list[str]:
    """A title cut into lines of at most ``width`` characters (the last one ends with … when cut short)."""
    parts = [title[k : k + width] for k in range(0, len(title), width)] or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][:-1] + "…"
    return parts


def budget_execution(
    curves: pd.DataFrame,
    as_of: int,
    labels: dict[str, str],
    names: list[str] | None = None,
    totals: pd.DataFrame | None = None,
    lang: str = "zh",
) -> go.Figure:
    """Cumulative 执行率 by month for the unit and the named projects, against the time-progress line m/12.

    ``totals`` (month, spent, budget) is the whole unit's line made once per data version; without it
    the line is summed from ``curves`` (then every project's curve must be in it).  With ``totals``
    and no ``names``, every line of ``curves`` is drawn (the rows on the page).  Drawn on every render
    of the overview, so, like ``indicator_path``, written as one plain specification and built without
    Plotly's per-property validation (a test checks that it validates, and equals the validated figure)."""
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": [0, *MONTHS],
            "y": [m / 12 * 100 for m in [0, *MONTHS]],
            "name": labels["time"],
            "mode": "lines",
            "line": {"color": "#888", "dash": "dash"},
        }
    ]
    data = curves[curves["month"] <= as_of]
    if totals is not None:
        unit = totals[totals["month"] <= as_of]
    elif names is None or len(names) > 1:
        unit = data.groupby("month").agg(spent=("spent_to_date", "sum"), budget=("budget", "sum")).reset_index()
    else:
        unit = None
    if unit is not None:
        traces.append(
            {
                "type": "scatter",
                "x": unit["month"].tolist(),
                "y": (unit["spent"] / unit["budget"] * 100).tolist(),
                "name": labels["unit"],
                "mode": "lines",
                "line": {"color": "#222", "width": 4},
            }
        )
    if names is not None:
        data = data[data["name"].isin(names)]
    for name, rows in data.groupby("name", sort=False):
        traces.append(
            {
                "type": "scatter",
                "x": rows["month"].tolist(),
                "y": (rows["execution_rate"] * 100).tolist(),
                "customdata": [month_name(int(m), lang) for m in rows["month"]],
                "name": escape(str(name)),
                "mode": "lines+markers",
                "hovertemplate": "%{customdata} %{y:.1f}%<extra>%{fullData.name}</extra>",
            }
        )
    layout = _layout_spec(labels["rate"] + " %", 400, lang)
    layout["shapes"] = [  # the month shown: what add_vline draws
        {
            "type": "line",
            "x0": as_of,
            "x1": as_of,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "line": {"color": "#bbb", "width": 1},
        }
    ]
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _changes(texts: list[str]) -> list[str]:
    """A rating written only where it changes (and in the last month): twelve equal words would overlap."""
    return [t if k == 0 or t != texts[k - 1] or k == len(texts) - 1 else "" for k, t in enumerate(texts)]


def indicator_path(
    path: pd.DataFrame, target: float | None, labels: dict[str, str], title: str, lang: str = "zh"
) -> go.Figure:
    """Actual month by month (to date for counts that accumulate, as ``labels["actual"]`` says), the
    expected path, and the annual target.

    A project page draws one per indicator (50 and more), so the figure is written as one plain
    specification and built without Plotly's per-property validation (some 2 ms instead of 150 ms
    each); a test checks that the specification validates."""
    traces: list[dict] = []
    yaxis: dict = {"title": {"text": ""}, "automargin": True}
    numeric = path[pd.to_numeric(path["actual"], errors="coerce").notna()]
    months = [month_name(int(m), lang) for m in path["month"]]
    if numeric.empty:  # ratings and other texts: the light month by month, the rating where it changes
        texts = [escape(str(a)) for a in path["actual"].astype(object).fillna("—")]
        traces.append(
            {
                "type": "scatter",
                "x": path["month"].tolist(),
                "y": [0] * len(path),
                "mode": "markers+text",
                "text": _changes(texts),
                "textposition": "top center",
                "textfont": {"size": 11},
                "cliponaxis": False,
                "marker": {"size": 14, "color": [COLOURS[s] for s in path["status"]]},
                "hovertext": [f"{m}：{x}" for m, x in zip(months, texts, strict=True)],
                "hoverinfo": "text",
                "showlegend": False,
            }
        )
        yaxis |= {"visible": False, "range": [-0.6, 1.2]}
    else:
        traces.append(
            {
                "type": "scatter",
                "x": numeric["month"].tolist(),
                "y": [float(v) for v in numeric["actual"]],
                "name": labels["actual"],
                "mode": "lines+markers",
                "marker": {"size": 10, "color": [COLOURS[s] for s in numeric["status"]]},
                "line": {"color": "#444"},
                "cliponaxis": False,
            }
        )
    expected = path[pd.to_numeric(path["expected"], errors="coerce").notna()]
    if not expected.empty:
        traces.append(
            {
                "type": "scatter",
                "x": expected["month"].tolist(),
                "y": [float(v) for v in expected["expected"]],
                "name": labels["expected"],
                "mode": "lines",
                "line": {"color": "#888", "dash": "dot"},
            }
        )
    values = [float(v) for v in numeric["actual"]] + [float(v) for v in expected["expected"]]
    values += [target] if target is not None else []
    if values and min(values) >= 0:  # counts, rates and hours: the axis starts at 0, never at −1
        yaxis |= {"rangemode": "tozero"}
        if max(values) == 0:  # no event all year (a zero-events target met): 0 at the bottom, 1 above
            yaxis |= {"range": [0, 1], "tickvals": [0, 1]}
    lines = wrapped(title)
    height = (150 if numeric.empty else 250) + 18 * len(lines)  # a row of ratings needs no height
    layout = _layout_spec("", height, lang) | {
        "title": {"text": "<br>".join(escape(x) for x in lines), "font": {"size": 13}, "x": 0, "xanchor": "left"},
        "yaxis": yaxis,
    }
    layout["margin"] = layout["margin"] | {"t": 18 + 18 * len(lines)}
    if target is not None:  # what ``add_hline(annotation_text=…)`` makes: a line across, labelled top right
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "x domain",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": target,
                "y1": target,
                "line": {"color": COLOURS["blue"], "dash": "dash"},
            }
        ]
        layout["annotations"] = [
            {
                "text": labels["target"],
                "xref": "x domain",
                "x": 1,
                "yref": "y",
                "y": target,
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
            }
        ]
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def quadrant(points: pd.DataFrame, labels: dict[str, str], split: float, lang: str = "zh") -> go.Figure:
    """Projects by 执行率 ÷ time progress (across) and the share of indicators on track (up), bubble size
    the budget; the four quadrants named in their corners.  ``points`` is ``overview_model.quadrant``'s
    frame; ``split`` the on-track share (0–1) between good and weak results.  Each point carries its row
    of ``points`` in ``customdata`` (what a selection reports); hover shows the name, escaped, and figures."""
    x_max = max(2.0, float(points["pace"].max() * 1.1) if len(points) else 2.0)
    biggest = float(points["budget"].max()) if len(points) and points["budget"].max() > 0 else 1.0
    hover = [
        f"{escape(str(n))}<br>{labels['x']} {num(x)}<br>{labels['y']} {share(y)}"
        for n, x, y in zip(points["name"], points["pace"], points["on_track"], strict=True)
    ]
    figure = {
        "data": [
            {
                "type": "scattergl" if len(points) > 1000 else "scatter",
                "x": points["pace"].tolist(),
                "y": (points["on_track"] * 100).tolist(),
                "mode": "markers",
                "customdata": list(range(len(points))),  # the row of ``points``: names stay out of the figure's data
                "hovertext": hover,
                "hoverinfo": "text",
                "marker": {
                    "size": [max(8.0, 40 * (float(b) / biggest) ** 0.5) for b in points["budget"].fillna(0)],
                    "color": [COLOURS[s] for s in points["status"]],
                    "opacity": 0.75,
                    "line": {"color": "#333", "width": 1},
                },
                "showlegend": False,
            }
        ],
        "layout": {
            "height": 380,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "font": FONT,
            "xaxis": {"title": {"text": labels["x"]}, "range": [0, x_max], "automargin": True, "zeroline": False},
            "yaxis": {"title": {"text": labels["y"]}, "range": [-5, 105], "automargin": True, "zeroline": False},
            "shapes": [
                {
                    "type": "line",
                    "x0": 1,
                    "x1": 1,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#999", "dash": "dash"},
                },
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": split * 100,
                    "y1": split * 100,
                    "line": {"color": "#999", "dash": "dash"},
                },
            ],
            "annotations": [
                {
                    "text": escape(labels[key]).replace(", ", ",<br>"),  # two short lines fit a phone's corners
                    "xref": "paper",
                    "yref": "paper",
                    "x": x,
                    "y": y,
                    "xanchor": xa,
                    "yanchor": ya,
                    "showarrow": False,
                    "font": {"size": 12, "color": "#555"},
                }
                for key, x, y, xa, ya in (
                    ("fast_weak", 1, 0, "right", "bottom"),
                    ("slow_good", 0, 1, "left", "top"),
                    ("fast_good", 1, 1, "right", "top"),
                    ("slow_weak", 0, 0, "left", "bottom"),
                )
            ],
        },
    }
    return go.Figure(figure, _validate=False)
