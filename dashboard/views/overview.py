"""总览: the leadership view — headline figures, a light for every indicator, budget against time, attention list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.i18n import lang, t
from dashboard.render import matrix_html, plain, worst_first
from dashboard.views.common import chart_labels, matrix_headers, year_and_month
from metrics.status import STATUS_LABELS

PAGE_SIZE = 25  # projects per page: the matrix stays usable at city scale
ATTENTION_ROWS = 200  # worst first; the rest are counted


def render() -> None:
    st.title(t("overview"))
    year, month = year_and_month()
    report = data.status(year, month)
    unit = report.unit()
    counts = unit["indicator_counts"]
    cols = st.columns(6)
    cols[0].metric(t("projects"), f"{unit['projects']:,}")
    cols[1].metric(t("budget"), f"{unit['budget'] / 10000:,.1f}")
    cols[2].metric(t("executed"), f"{unit['executed_to_date'] / 10000:,.1f}")
    rate = unit["execution_rate"] or 0
    cols[3].metric(
        t("execution_rate"),
        f"{rate:.1%}",
        t("vs_time", points=f"{(rate - month / 12) * 100:+.1f}"),
        help=t("time_progress") + f" {month / 12:.0%}",
    )
    cols[4].metric(t("reds"), counts["red"])
    cols[5].metric(t("yellows") + " / " + t("greys"), f"{counts['yellow']} / {counts['grey']}")

    st.subheader(t("matrix"))
    projects = worst_first(report.projects)
    labels = STATUS_LABELS[lang()]
    choice = st.segmented_control(
        t("filter"),
        ["all", "red", "yellow", "grey", "green", "blue"],
        default="all",
        format_func=lambda s: t("filter_all") if s == "all" else labels[s],
        key="filter",
    )
    if choice and choice != "all":
        projects = [p for p in projects if p.status == choice or any(i.status == choice for i in p.indicators)]
    pages = max(1, -(-len(projects) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = st.number_input(t("page"), 1, pages, 1, help=t("of_pages", n=pages), key="page")
    shown = projects[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    links = st.columns(5)
    for k, p in enumerate(shown):
        links[k % 5].page_link(
            "views/project.py",
            label=plain(p.name),
            icon=":material/folder_open:",
            query_params={"project": p.name, "month": report.month},
        )
    st.html(matrix_html(report, shown, lang(), matrix_headers()))

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("budget_chart"))
        names = [p.name for p in shown]
        st.plotly_chart(
            charts.budget_execution(data.budget_curves(year), month, chart_labels(), names), width="stretch"
        )
    with right:
        st.subheader(t("attention"))
        attention = [
            {
                t("col_light"): labels[i.status],
                t("col_project"): p.name,
                t("col_indicator"): i.name,
                t("col_explanation"): i.explanation_en if lang() == "en" else i.explanation,
            }
            for p in projects
            for i in p.indicators
            if i.status in ("red", "yellow", "grey") and not i.not_due
        ] + [
            {
                t("col_light"): labels[p.budget_status],
                t("col_project"): p.name,
                t("col_indicator"): t("col_budget_light"),
                t("col_explanation"): p.budget_explanation_en if lang() == "en" else p.budget_explanation,
            }
            for p in projects
            if p.budget_status in ("red", "yellow", "grey")
        ]
        if attention:
            st.dataframe(pd.DataFrame(attention[:ATTENTION_ROWS]), hide_index=True, width="stretch", height=420)
            if len(attention) > ATTENTION_ROWS:
                st.caption(t("more_attention", n=len(attention) - ATTENTION_ROWS))
        else:
            st.success(t("nothing_attention"))


render()
