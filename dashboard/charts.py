"""The overview's Plotly figures: budget execution against time progress, and the budget × results
quadrant. (The project page draws its charts as SVG: ``dashboard.svg_charts``.)

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
from dashboard.render import COLOURS, FONT_FAMILY

MONTHS = list(range(1, 13))
CONFIG = {"displayModeBar": False, "responsive": True}  # st.plotly_chart(config=CONFIG): no toolbar over titles
FONT = {"family": FONT_FAMILY}


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
    of the overview, so written as one plain specification and built without
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
