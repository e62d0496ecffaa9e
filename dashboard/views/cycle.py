"""填报进度: project × month × stream, each cell 已审核 / 已报 / 退回 / 逾期 / 未到期, and on-time rates (docs/domain.md §10).

For leaders and admins.  The grid and the rates come from ``metrics.due.completeness`` (cached in
``dashboard.data``); this page only lays them out.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from core import clock
from dashboard import data
from dashboard.i18n import lang, t
from dashboard.views.common import current_actor
from metrics.due import CELL_LABELS, STREAMS, last_month

# background, text: soft colours so the label stays legible; the worst states the strongest
CELL_STYLE = {
    "approved": ("#d9f2df", "#1b6b32"),
    "filed": ("#dce8fb", "#1d4f9e"),
    "returned": ("#ffe9b8", "#7a5200"),
    "late": ("#f9d3d1", "#a12622"),
    "not_due": ("#f0f1f3", "#555b61"),
}
TD = "padding:4px 6px;border-bottom:1px solid #e6e8eb;white-space:nowrap"
# on a phone the grid is tighter and says it scrolls sideways (inline styles need !important to be overridden)
NARROW = """<style>
.pb-swipe{display:none}
@media (max-width:640px){
 #pb-cycle td,#pb-cycle th{padding:3px 2px !important;font-size:0.78rem}
 #pb-cycle .pb-proj{min-width:5.5em !important}
 #pb-cycle .pb-state{min-width:2.4em !important;padding:1px 2px !important}
 .pb-swipe{display:block;color:#777;font-size:0.8rem;margin:0 0 4px 0}
}
</style>"""


def month_text(year: int, month: int) -> str:
    return f"{month}月" if lang() == "zh" else f"{year}-{month:02d}"


def stream_text(key: str) -> str:
    return STREAMS[key].zh if lang() == "zh" else STREAMS[key].en


def badge(state: str) -> str:
    back, fore = CELL_STYLE[state]
    label = CELL_LABELS[lang()][state]
    return (
        f'<span class="pb-state" data-state="{state}" style="display:inline-block;min-width:3.2em;text-align:center;'
        f'padding:1px 6px;border-radius:4px;background:{back};color:{fore};font-weight:600">{escape(label)}</span>'
    )


def legend() -> str:
    return " ".join(badge(s) for s in CELL_STYLE)


def grid_html(cells: pd.DataFrame, year: int, month: int) -> str:
    """One row per project and stream, one column per month; a month a stream is not due shows —."""
    head = "".join(
        f'<th style="{TD};text-align:center">{escape(month_text(year, m))}</th>' for m in range(1, month + 1)
    )
    rows = []
    for (_, project), of_project in cells.groupby(["project_id", "project"], sort=False):
        streams = list(dict.fromkeys(of_project["stream"]))
        for k, stream in enumerate(streams):
            of_stream = of_project[of_project["stream"] == stream]
            by_month = {m.month: r for m, r in zip(of_stream["month"], of_stream.to_dict("records"), strict=True)}
            first = (
                f'<td class="pb-proj" rowspan="{len(streams)}" style="{TD};white-space:normal;min-width:9em;max-width:16em;'
                f'vertical-align:top;font-weight:600">{escape(project)}</td>'
                if k == 0
                else ""
            )
            tds = []
            for m in range(1, month + 1):
                cell = by_month.get(m)
                if cell is None:
                    tds.append(f'<td style="{TD};text-align:center;color:#aaa">—</td>')
                    continue
                tip = t("review_deadline", deadline=cell["deadline"].isoformat())
                if cell["missing"]:
                    tip += " · " + "、".join(cell["missing"])
                tds.append(
                    f'<td class="pb-cell" data-project="{escape(project)}" data-stream="{stream}" '
                    f'data-month="{year}-{m:02d}" data-state="{cell["state"]}" title="{escape(tip)}" '
                    f'style="{TD};text-align:center">{badge(cell["state"])}</td>'
                )
            rows.append(f'<tr>{first}<td style="{TD}">{escape(stream_text(stream))}</td>{"".join(tds)}</tr>')
    return (
        f'{NARROW}<div class="pb-swipe">{escape(t("cycle_swipe"))}</div><div style="overflow-x:auto;max-width:100%">'
        f'<table id="pb-cycle" data-year="{year}" data-month="{year}-{month:02d}" '
        'style="border-collapse:collapse;font-size:0.9rem">'
        f'<thead><tr><th style="{TD};text-align:left">{escape(t("col_project"))}</th>'
        f'<th style="{TD};text-align:left">{escape(t("cycle_stream"))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def rates_table(frame: pd.DataFrame, name_column: str, name_label: str) -> pd.DataFrame:
    shown = pd.DataFrame({name_label: frame[name_column]})
    for column in ("due", "on_time", "late", "not_filed"):
        shown[t(f"col_{column}")] = frame[column].astype(int)
    shown[t("col_on_time_rate")] = [f"{r:.1%}" for r in frame["on_time_rate"]]
    return shown


def pickers() -> tuple[int, int]:
    """Year and last month shown (default: the month being filed now, December for a past year)."""
    years = data.years()
    left, right = st.columns([1, 3])
    year = left.selectbox(t("year"), years, key="cycle_year")
    default = min(max(last_month(year, clock.today()), 1), 12)
    month = right.select_slider(
        t("as_of"), list(range(1, 13)), value=default, format_func=lambda m: f"{year}-{m:02d}", key=f"cycle_m_{year}"
    )
    return year, month


def render() -> None:
    actor = current_actor()
    st.title(t("cycle"))
    if not data.years():
        st.info(t("cycle_no_projects"))
        return
    year, month = pickers()
    visible = data.visible_projects(actor, year)
    if not visible:
        st.info(t("cycle_no_projects"))
        return
    view = data.completeness(year, month, list(visible.values()))
    st.caption(t("cycle_caption", today=view.today.isoformat(), day=view.deadline_day))
    if view.cells.empty:
        st.info(t("cycle_nothing_due"))
        return
    st.html(f'<div style="margin:0 0 6px 0">{escape(t("cycle_legend"))} {legend()}</div>')
    st.html(grid_html(view.cells, year, view.month))
    st.subheader(t("cycle_project_rates"))
    st.caption(t("cycle_rates_help"))
    st.dataframe(rates_table(view.projects, "project", t("col_project")), hide_index=True, width="stretch")
    if not view.staff.empty:
        st.subheader(t("cycle_staff_rates"))
        st.dataframe(rates_table(view.staff, "username", t("col_staff")), hide_index=True, width="stretch")


render()
