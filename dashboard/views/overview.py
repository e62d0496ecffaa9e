"""总览: the leadership view — headline figures, a light for every indicator, budget against time, attention list.

At city scale the year is judged once per data version and month (``data.overview``) and the browser is
sent only the page it shows: 25 projects, or, when the year has several units, 25 unit rows, each opening
into its own projects (only an open unit's lights are made and sent).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.i18n import lang, t
from dashboard.overview_model import Overview, matching
from dashboard.render import plain
from dashboard.views.briefing_button import briefing_buttons
from dashboard.views.common import chart_labels, current_actor, matrix_headers, year_and_month
from metrics.status import STATUS_LABELS

PAGE_SIZE = 25  # projects (or units) per page: the matrix stays usable at city scale
ATTENTION_ROWS = 200  # worst first; the rest are counted
DOT = {"red": ":red[●]", "yellow": ":orange[●]", "grey": ":gray[●]", "green": ":green[●]", "blue": ":blue[●]"}


def scope_controls(year: int) -> data.View:
    """The unit filter (for an account that sees several units) and the approved-only toggle."""
    actor = current_actor()
    units = data.units_seen(year, actor)
    left, right = st.columns([1, 1])
    unit = ""
    if len(units) > 1:
        unit = left.selectbox(t("unit_filter"), ["", *units], format_func=lambda u: u or t("all_units"), key="unit")
    approved = right.toggle(t("approved_only"), key="approved_only")
    return data.View(actor, unit or None, approved)


def review_note(ov: Overview, month: int) -> None:
    """What the lights rest on: how many projects await review, or which approved months are shown."""
    if ov.approved_months:
        shown = [t("month_n", m=m) for m in ov.approved_months if m]
        if shown:
            st.caption(t("approved_as_of", months="、".join(shown)))
        none = ov.projects.loc[ov.projects["as_of"] == 0, "name"].tolist()
        if none:
            st.caption(plain(t("no_approved", names="、".join(none))))
    elif ov.projects["pending"].any():
        st.caption(t("pending_count", month=ov.month, n=int(ov.projects["pending"].sum())))


def headline(ov: Overview, month: int) -> None:
    unit = ov.figures
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


def paged(rows: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """The rows of the page chosen (a page number appears only when there is more than one page)."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = st.number_input(label, 1, pages, 1, help=t("of_pages", n=pages), key=key)
    return rows.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


def lights_of(year: int, month: int, shown: pd.DataFrame, approved: bool = False) -> None:
    """Links to the shown projects (marked 待审核 when their month is not approved) and their lights matrix;
    with ``approved``, one matrix per approved month the projects are shown as of."""
    links = st.columns(5)
    for k, (name, pending) in enumerate(zip(shown["name"], shown["pending"], strict=True)):
        links[k % 5].page_link(
            "views/project.py",
            label=(f":orange-badge[{t('pending_badge')}] " if pending and not approved else "") + plain(name),
            icon=":material/folder_open:",
            query_params={"project": name, "month": f"{year}-{month:02d}"},
        )
    for at, group in shown.groupby("as_of", sort=True) if approved else [(month, shown)]:
        if at:
            st.html(data.matrix(year, int(at), group["project_id"].tolist(), lang(), matrix_headers()))


def unit_label(row, labels: dict[str, str]) -> str:
    said = t("unit_row", n=row.projects, red=int(row.red), yellow=int(row.yellow), rate=f"{row.execution_rate:.1%}")
    pending = t("unit_pending", n=int(row.pending)) if getattr(row, "pending", 0) else ""
    return f"{DOT[row.status]} {plain(row.unit)}（{labels[row.status]}）· {said}{pending}"


def units_view(year: int, month: int, ov: Overview, projects: pd.DataFrame) -> list[str]:
    """One row per unit (worst first), each opening into its projects; returns the units shown."""
    labels = STATUS_LABELS[lang()]
    units = ov.units[ov.units["unit"].isin(set(projects["unit"]))]
    st.caption(t("units_hint", n=len(units), month=ov.month))
    shown = paged(units, "unit_page", t("unit_page"))
    for row in shown.itertuples():
        box = st.expander(unit_label(row, labels), key=f"unit:{row.unit}", on_change="rerun")
        if box.open:  # only an open unit's projects are judged into records and sent
            with box:
                mine = paged(projects[projects["unit"] == row.unit], f"page:{row.unit}", t("page"))
                lights_of(year, month, mine, bool(ov.approved_months))
    return shown["unit"].tolist()


def attention(year: int, month: int, choice: str, view: data.View) -> None:
    labels = STATUS_LABELS[lang()]
    rows, total = data.attention(year, month, choice, ATTENTION_ROWS, lang(), view)
    if not rows:
        st.success(t("nothing_attention"))
        return
    frame = pd.DataFrame(
        [(labels[s], p, i if i is not None else t("col_budget_light"), e) for s, p, i, e in rows],
        columns=[t("col_light"), t("col_project"), t("col_indicator"), t("col_explanation")],
    )
    st.dataframe(frame, hide_index=True, width="stretch", height=420)
    if total > len(rows):
        st.caption(t("more_attention", n=total - len(rows)))


def render() -> None:
    st.title(t("overview"))
    year, month = year_and_month()
    view = scope_controls(year)
    briefing_buttons(year, month, view)
    ov = data.overview(year, month, view)
    review_note(ov, month)
    headline(ov, max(ov.approved_months, default=0) or month)  # approved only: time progress of that month

    st.subheader(t("matrix"))
    labels = STATUS_LABELS[lang()]
    choice = st.segmented_control(
        t("filter"),
        ["all", "red", "yellow", "grey", "green", "blue"],
        default="all",
        format_func=lambda s: t("filter_all") if s == "all" else labels[s],
        key="filter",
    )
    projects = matching(ov.projects, choice)
    if ov.grouped:
        units = units_view(year, month, ov, projects)
        lines = data.unit_curves(year, units)
    else:
        shown = paged(projects, "page", t("page"))
        lights_of(year, month, shown, bool(ov.approved_months))
        lines = data.project_curves(year, shown["name"].tolist())

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("budget_chart"))
        st.plotly_chart(
            charts.budget_execution(lines, month, chart_labels(), None, totals=data.budget_totals(year, view)),
            width="stretch",
        )
    with right:
        st.subheader(t("attention"))
        attention(year, month, choice or "all", view)


render()
