"""Controls shared by the pages: year and as-of month (kept in the URL so a link opens the same view)."""

from __future__ import annotations

import streamlit as st

from core.accounts import Actor
from dashboard import data
from dashboard.i18n import t


def year_and_month() -> tuple[int, int]:
    """The year and as-of month selectors; defaults: the newest year, its latest month with data."""
    years = data.years()
    asked = st.query_params.get("month", "")
    asked_year = int(asked[:4]) if asked[:4].isdigit() and int(asked[:4]) in years else None
    left, right = st.columns([1, 3])
    year = left.selectbox(t("year"), years, index=years.index(asked_year) if asked_year else 0, key="year")
    default = data.latest_month(year)
    if asked_year == year and asked[5:].isdigit() and 1 <= int(asked[5:]) <= 12:
        default = int(asked[5:])
    months = list(range(1, 13))
    month = right.select_slider(
        t("as_of"), months, value=default, format_func=lambda m: f"{year}-{m:02d}", key=f"month_{year}"
    )
    st.query_params["month"] = f"{year}-{month:02d}"
    return year, month


def chart_labels() -> dict[str, str]:
    return {"time": t("time_progress"), "rate": t("cumulative_rate"), "unit": t("unit_total")}


MATRIX_COLUMNS = (
    "col_project",
    "col_budget_light",
    "col_level1",
    "col_level2",
    "col_indicator",
    "col_target",
    "col_actual",
    "col_light",
    "col_explanation",
)


def matrix_headers() -> list[str]:
    return [t(k) for k in MATRIX_COLUMNS]


def current_actor() -> Actor:
    """Who is signed in (the router checked the session before showing any page)."""
    return st.session_state["pb_actor"]
