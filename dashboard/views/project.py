"""项目: one project's facts, its lights, each indicator's path through the year, budget S-curve, uploads.

On a phone (below ``render.PHONE_WIDTH``) the lights table gives way to the project's card, its indicators
open; both are sent and CSS shows one (issue 14).  Money in 万元 and every figure through ``core.numbers``.
"""

from __future__ import annotations

import streamlit as st

from core.accounts import PermissionDenied
from core.numbers import money
from dashboard import data, svg_charts
from dashboard.i18n import lang, t
from dashboard.project_tables import ledger_table, upload_table, value_history_table
from dashboard.render import CARDS, FIGURES, LAYOUT_CSS, WIDE, card_html, matrix_html, plain
from dashboard.views.common import chart_labels, current_actor, matrix_headers, year_and_month
from ingest.revert import NothingToRevert
from metrics.status import missing_notice

ACCUMULATING = ("deliverable_count", "value_sum")  # rules whose actual is a running total (累计实际)


VALUE_COLUMNS = {  # the value history's columns → i18n keys
    "month": "month",
    "value": "col_value",
    "rating": "col_rating",
    "likelihood": "col_likelihood",
    "deviation_reason": "col_deviation",
    "measures": "col_measures",
    "note": "col_note",
    "current": "col_current",
    "load_id": "col_load",
    "file_name": "file_label",
    "loaded_by": "loaded_by",
    "loaded_at": "loaded_at",
}


def _money(value) -> str:
    return money(value, lang())


def value_history(year: int, name: str, indicators: list[str]) -> None:
    """A value's revisions, and (for who may write the project) undoing a correction as a new revision."""
    with st.expander(t("history_of")):
        indicator = st.selectbox(t("indicator"), indicators, key="history_indicator")
        history = data.value_history(year, name, indicator)
        shown = value_history_table(history, lang()).rename(columns={k: t(v) for k, v in VALUE_COLUMNS.items()})
        st.dataframe(shown, hide_index=True, width="stretch")
        actor = current_actor()
        facts_id = data.project_id(year, name)
        loads = (
            sorted({int(x) for x in history.loc[history["current"], "load_id"]}, reverse=True) if len(history) else []
        )
        if loads and facts_id is not None and actor.may_write(facts_id):
            load = st.selectbox(t("choose_load"), loads, key="revert_load")
            if st.button(t("revert"), key="revert"):
                try:
                    done = data.revert(load, actor)
                except (NothingToRevert, PermissionDenied) as exc:
                    st.error(plain(str(exc)))
                    return
                st.success(t("reverted", n=done.restored))


def changes(year: int, name: str) -> None:
    """The ledger of 预算调整 and 绩效目标调整: who, when, why, before → after (replaced entries too)."""
    st.subheader(t("changes"))
    budgets, targets = data.change_ledgers(year, name)
    if budgets.empty and targets.empty:
        st.info(t("no_changes"))
        return
    names = {
        "indicator": t("indicator"),
        "month": t("col_effective"),
        "before": t("col_before"),
        "after": t("col_after"),
        "reason": t("col_reason"),
        "approval": t("col_approval"),
        "who": t("col_who"),
        "at": t("col_at"),
        "current": t("col_current"),
    }
    for title, ledger in ((t("budget_ledger"), budgets), (t("target_ledger"), targets)):
        if not ledger.empty:
            st.markdown(f"**{title}**")
            shown = ledger_table(ledger, lang(), amounts=ledger is budgets)
            st.dataframe(shown.rename(columns=names), hide_index=True, width="stretch")


def render() -> None:
    st.html(LAYOUT_CSS)
    year, month = year_and_month()
    names = data.project_names(year, current_actor())  # only those the actor's unit may see
    asked = st.query_params.get("project")
    if asked and data.denied(year, asked, current_actor()):  # units13: opened by URL from another unit
        st.error(t("no_access_project"))
        return
    if not names:
        st.info(t("none"))
        return
    name = st.selectbox(t("choose_project"), names, index=names.index(asked) if asked in names else 0, key="project")
    st.query_params["project"] = name
    st.title(plain(name))
    facts = data.project_facts(year, name)
    report = data.status(year, month, name)
    project = report.projects[0]
    if project.missing:  # reader12: a 不完整 target table, its empty cells named (docs/domain.md §9)
        st.warning(plain(missing_notice(project.missing, lang())))

    cols = st.container(key=FIGURES).columns(4)
    if project.adjustments:  # 原预算 → 调整后, with the month of the latest adjustment
        last = project.adjustments[-1]
        cols[0].metric(
            t("year_budget_in_force"),
            _money(project.budget),
            delta=t("adjusted_from", month=last["month"], before=_money(project.budget_initial)),
            delta_color="off",
            delta_arrow="off",
        )
    else:
        cols[0].metric(t("year_budget_plain"), _money(project.budget))
    cols[1].metric(t("total_budget_plain"), _money(facts["total_budget"]))
    cols[2].metric(t("prev_budget_plain"), _money(facts["prev_budget"]))
    cols[3].metric(t("prev_executed_plain"), _money(facts["prev_executed"]))
    with st.expander(t("goals"), expanded=True):
        st.text(facts["goals"] or "—")  # shown as text, never as Markdown or HTML
        st.caption(plain(f"{t('dates')}: {facts['start_date'] or '—'} – {facts['end_date'] or '—'}"))

    st.subheader(t("indicators"))
    with st.container(key=WIDE):
        st.html(matrix_html(report, [project], lang(), matrix_headers()))
    with st.container(key=CARDS):
        st.html(card_html(project, lang(), open_all=True))

    st.subheader(t("paths_title"))
    paths = data.project_paths(year, name, month)
    figures = []
    for indicator in project.indicators:
        path = paths[paths["indicator_id"] == indicator.indicator_id]  # by id: two indicators may share a name
        target = indicator.expected if indicator.kind in ("at_least", "equal", "at_most") and month == 12 else None
        actual = t("actual_path") if indicator.rule in ACCUMULATING else t("actual_value")
        labels = {"actual": actual, "expected": t("expected_path"), "target": t("target_line")}
        figures.append(
            svg_charts.indicator_path(path, target, labels, f"{indicator.name}（{indicator.target}）", lang())
        )
    st.markdown(svg_charts.grid(figures), unsafe_allow_html=True)

    st.subheader(t("s_curve"))
    curve = svg_charts.budget_curve(data.project_curves(year, [name]), month, chart_labels(), name, lang())
    st.markdown(svg_charts.grid([curve], wide=True), unsafe_allow_html=True)

    value_history(year, name, [i.name for i in project.indicators])
    changes(year, name)

    st.subheader(t("history"))
    history = data.upload_history(year, name)
    if history.empty:
        st.info(t("no_history"))
    else:
        shown = upload_table(history, lang()).rename(
            columns={
                "loaded_at": t("loaded_at"),
                "loaded_by": t("loaded_by"),
                "kind": t("kind_label"),
                "file_name": t("file_label"),
                "detail": t("month"),
                "rows": t("rows_label"),
                "replaced_later": t("replaced_later"),
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")


render()
