"""Plotly figures: budget execution against time progress, and an indicator's path through the year.

Plotly reads a subset of HTML in every text (``<a href>`` becomes a link), so each text from data is
HTML-escaped here, and never pasted into a hover template (where ``%{…}`` would be read).
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from dashboard.render import COLOURS

MONTHS = list(range(1, 13))


def _layout_spec(y_title: str, height: int = 360) -> dict:
    """The layout every chart shares: the months 1–12 along the bottom, the legend below."""
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {
            "title": {"text": None},
            "tickmode": "array",
            "tickvals": MONTHS,
            "ticktext": [f"{m}月" for m in MONTHS],
            "range": [0.5, 12.5],
        },
        "yaxis": {"title": {"text": y_title}},
        "font": {"family": "Noto Sans CJK SC, Noto Sans SC, sans-serif"},
    }


def _layout(fig: go.Figure, y_title: str, height: int = 360) -> go.Figure:
    fig.update_layout(**_layout_spec(y_title, height))
    return fig


def budget_execution(
    curves: pd.DataFrame,
    as_of: int,
    labels: dict[str, str],
    names: list[str] | None = None,
    totals: pd.DataFrame | None = None,
) -> go.Figure:
    """Cumulative 执行率 by month for the unit and the named projects, against the time-progress line m/12.

    ``totals`` (month, spent, budget) is the whole unit's line made once per data version; without it
    the line is summed from ``curves`` (then every project's curve must be in it).  With ``totals``
    and no ``names``, every line of ``curves`` is drawn (the rows on the page)."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, *MONTHS],
            y=[m / 12 * 100 for m in [0, *MONTHS]],
            name=labels["time"],
            mode="lines",
            line=dict(color="#888", dash="dash"),
        )
    )
    data = curves[curves["month"] <= as_of]
    if totals is not None:
        unit = totals[totals["month"] <= as_of]
    elif names is None or len(names) > 1:
        unit = data.groupby("month").agg(spent=("spent_to_date", "sum"), budget=("budget", "sum")).reset_index()
    else:
        unit = None
    if unit is not None:
        fig.add_trace(
            go.Scatter(
                x=unit["month"],
                y=unit["spent"] / unit["budget"] * 100,
                name=labels["unit"],
                mode="lines",
                line=dict(color="#222", width=4),
            )
        )
    if names is not None:
        data = data[data["name"].isin(names)]
    for name, rows in data.groupby("name", sort=False):
        fig.add_trace(
            go.Scatter(
                x=rows["month"],
                y=rows["execution_rate"] * 100,
                name=escape(str(name)),
                mode="lines+markers",
                hovertemplate="%{x}月 %{y:.1f}%<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_vline(x=as_of, line=dict(color="#bbb", width=1))
    return _layout(fig, labels["rate"] + " %")


def indicator_path(path: pd.DataFrame, target: float | None, labels: dict[str, str], title: str) -> go.Figure:
    """Actual to date month by month, the expected path, and the annual target.

    A project page draws one per indicator (50 and more), so the figure is written as one plain
    specification and built without Plotly's per-property validation (some 2 ms instead of 150 ms
    each); a test checks that the specification validates."""
    traces: list[dict] = []
    yaxis: dict = {"title": {"text": ""}}
    numeric = path[pd.to_numeric(path["actual"], errors="coerce").notna()]
    if numeric.empty:  # ratings and other texts: the light month by month
        traces.append(
            {
                "type": "scatter",
                "x": path["month"].tolist(),
                "y": [0] * len(path),
                "mode": "markers+text",
                "text": [escape(str(a)) for a in path["actual"].fillna("—")],
                "textposition": "top center",
                "marker": {"size": 16, "color": [COLOURS[s] for s in path["status"]]},
                "hovertext": [str(s) for s in path["status"]],
                "showlegend": False,
            }
        )
        yaxis |= {"visible": False, "range": [-1, 1.5]}
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
    layout = _layout_spec("", height=260) | {"title": {"text": escape(title), "font": {"size": 13}}, "yaxis": yaxis}
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
