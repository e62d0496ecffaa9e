"""总览: the leadership view — headline figures, a light for every indicator, budget against time, attention
list, and budget × results (the quadrant).

At city scale the year is judged once per data version and month (``data.overview``) and the browser is
sent only the page it shows: 25 projects, or, when the year has several units, 25 unit rows, each opening
into its own projects (only an open unit's lights are made and sent).  The budget × results chart of
more than ``overview_model.QUADRANT_AT_ONCE`` projects is drawn when its box is opened, and the months
either side of the one shown are judged in the background while the page is read (``data.judge_ahead``).

On a phone (below ``render.PHONE_WIDTH``) the lights table gives way to one card per project: both are
sent and CSS shows one (Python cannot know the viewport), see docs/design.md and issue 14.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.numbers import money, num, pct, share
from dashboard import charts, data, overview_model
from dashboard.i18n import lang, lang_params, t
from dashboard.overview_model import ON_TRACK_SPLIT, Overview, matching
from dashboard.render import CARDS, FIGURES, LAYOUT_CSS, WIDE, plain
from dashboard.views.briefing_button import briefing_buttons
from dashboard.views.common import chart_labels, current_actor, matrix_headers, year_and_month
from metrics.status import STATUS_LABELS

PAGE_SIZE = 25  # projects (or units) per page: the matrix stays usable at city scale
ATTENTION_ROWS = 200  # worst first; the rest are counted
ROW_PX = 35  # a table row's height: the attention table is as tall as its rows (no blank filler rows)
QUADRANT_LINKS = 10  # projects linked under each named quadrant (the rest are counted)
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
    cols = st.container(key=FIGURES).columns(6)
    cols[0].metric(t("projects"), f"{unit['projects']:,}")
    cols[1].metric(t("budget_year"), money(unit["budget"], lang()))
    cols[2].metric(t("executed_to_date"), money(unit["executed_to_date"], lang()))
    rate = unit["execution_rate"] or 0
    points = (rate - month / 12) * 100
    cols[3].metric(
        t("execution_rate"),
        share(rate),
        t("vs_time", points=("+" if points > 0 else "") + pct(points).rstrip("%")),
        help=f"{t('time_progress')} {share(month / 12)}",
    )
    cols[4].metric(t("red_indicators"), t("indicator_count", n=num(counts["red"])))
    yellow, grey = (t("indicator_count", n=num(counts[s])) for s in ("yellow", "grey"))
    cols[5].metric(t("yellow_grey_indicators"), f"{yellow} / {grey}")


def paged(rows: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """The rows of the page chosen (a page number appears only when there is more than one page)."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = st.number_input(label, 1, pages, 1, help=t("of_pages", n=pages), key=key)
    return rows.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


def project_link(year: int, month: int, name: str, pending: bool = False) -> None:
    """A link to the project's page (same month, same language), marked 待审核 when its month is not approved;
    the whole name shows, wrapped if long."""
    st.page_link(
        "views/project.py",
        label=(f":orange-badge[{t('pending_badge')}] " if pending else "") + plain(name),
        icon=":material/folder_open:",
        query_params={"project": name, "month": f"{year}-{month:02d}", **lang_params()},
    )


def lights_of(year: int, month: int, shown: pd.DataFrame, approved: bool = False) -> None:
    """The shown projects: on a wide screen a row of links and the lights matrix, on a phone a card each.
    With ``approved``, each project as of its latest approved month (one matrix per such month)."""
    groups = [(int(at), g) for at, g in shown.groupby("as_of", sort=True) if at] if approved else [(month, shown)]
    pending = dict(zip(shown["name"], shown["pending"] & (not approved), strict=True))
    with st.container(key=WIDE):
        with st.container(horizontal=True, gap="small"):  # links as wide as their names, wrapping by line
            for name in shown["name"]:
                project_link(year, month, name, pending[name])
        for at, group in groups:
            st.html(data.matrix(year, at, group["project_id"].tolist(), lang(), matrix_headers()))
    with st.container(key=CARDS):
        for at, group in groups:
            for name, card in data.cards(year, at, group["project_id"].tolist(), lang()):
                with st.container(border=True):
                    project_link(year, month, name, pending[name])
                    st.html(card)


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
    st.dataframe(frame, hide_index=True, width="stretch", height=min(420, ROW_PX * (len(frame) + 1) + 3))
    if total > len(rows):
        st.caption(t("more_attention", n=total - len(rows)))


def quadrant_chart(year: int, month: int, points: pd.DataFrame, names: dict[str, str]) -> None:
    """The chart itself; a point clicked opens its project."""
    figure = charts.quadrant(points, {"x": t("quadrant_x"), "y": t("quadrant_y"), **names}, ON_TRACK_SPLIT, lang())
    chosen = st.plotly_chart(
        figure, width="stretch", config=charts.CONFIG, key="quadrant", on_select="rerun", selection_mode="points"
    )
    picked = [p.get("customdata") for p in (chosen.selection.points if chosen else [])]
    row = int(picked[0]) if picked and isinstance(picked[0], int | float) else -1
    if 0 <= row < len(points):
        name = points["name"].iloc[row]
        st.switch_page(
            "views/project.py", query_params={"project": name, "month": f"{year}-{month:02d}", **lang_params()}
        )


def quadrant(year: int, month: int, view: data.View) -> None:
    """Budget × results: the chart, and under it the projects of the two named quadrants, each a link."""
    st.subheader(t("quadrant"), help=t("quadrant_help"))
    points = data.quadrant(year, month, view)
    names = {k: t(f"q_{k}") for k in ("fast_weak", "slow_good", "fast_good", "slow_weak")}
    if len(points) <= overview_model.QUADRANT_AT_ONCE:
        quadrant_chart(year, month, points, names)
    else:  # thousands of bubbles cost the browser a second on every render: drawn when asked for
        box = st.expander(t("quadrant_open", n=num(len(points))), key="quadrant_box", on_change="rerun")
        if box.open:
            with box:
                quadrant_chart(year, month, points, names)
    for key in ("fast_weak", "slow_good"):
        members = points[points["quadrant"] == key]["name"].tolist()
        with st.container(key=f"pb_q_{key}"):
            st.markdown(f"**{names[key]}**")
            if not members:
                st.caption(t("q_none"))
                continue
            with st.container(horizontal=True, gap="small"):
                for name in members[:QUADRANT_LINKS]:
                    project_link(year, month, name)
            if len(members) > QUADRANT_LINKS:
                st.caption(t("q_more", n=len(members) - QUADRANT_LINKS))


def render() -> None:
    st.html(LAYOUT_CSS)
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
            charts.budget_execution(
                lines, month, chart_labels(), None, totals=data.budget_totals(year, view), lang=lang()
            ),
            width="stretch",
            config=charts.CONFIG,
        )
    with right:
        st.subheader(t("attention"))
        attention(year, month, choice or "all", view)
    quadrant(year, month, view)
    shown_before = st.session_state.get("pb_overview_month", month)  # the way the user moves: looked at first
    st.session_state["pb_overview_month"] = month
    data.judge_ahead(year, month, view, choice or "all", ATTENTION_ROWS, lang(), 1 if month > shown_before else -1)


render()
