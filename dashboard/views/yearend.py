"""年末自评: staff read each indicator's 实际完成情况 (a draft from the year's data, marked 草稿), edit it and confirm
one or all; the final self-evaluation waits until none is a draft (docs/domain.md §5, §10).

Thin: the texts come from ``metrics.drafts`` and are confirmed by ``ingest.summaries`` (through ``dashboard.data``).
"""

from __future__ import annotations

import streamlit as st

from core.accounts import PermissionDenied
from core.db import DatabaseBusy
from dashboard import data
from dashboard.i18n import lang, t
from dashboard.render import plain
from dashboard.views.common import current_actor
from ingest.problems import ValidationFailed


def _label(name: str, level: str, draft: bool) -> str:
    return f"{level} · {name}" + (f"（{t('yearend_draft')}）" if draft else f"（{t('yearend_confirmed')}）")


def _confirm(year: int, texts: dict[int, str], overall: dict[int, str]) -> None:
    try:
        done = data.confirm_year_end(year, texts, overall, current_actor())
    except PermissionDenied as exc:
        st.error(plain(t("refused", reason=str(exc))))
    except ValidationFailed as failed:
        st.error(plain(failed.format(lang())))
    except DatabaseBusy:
        st.error(t("busy"))
    else:
        st.session_state["yearend_done"] = t("yearend_saved", n=done.written)
        st.rerun()


def render() -> None:
    st.title(t("yearend"))
    st.caption(t("yearend_help"))
    actor = current_actor()
    year = st.selectbox(t("year"), data.years(), key="yearend_year")
    mine = [p for p in data.year_end_texts(year) if actor.may_write(p.project_id)]
    if not mine:
        st.info(t("yearend_no_projects"))
        return
    project = st.selectbox(t("col_project"), [p.name for p in mine], key="yearend_project")
    found = next(p for p in mine if p.name == project)
    if "yearend_done" in st.session_state:
        st.success(st.session_state.pop("yearend_done"))
    pending = found.pending()
    if pending:
        st.warning(plain(t("yearend_pending", n=len(pending))))
    else:
        st.success(t("yearend_all_confirmed"))
    with st.form(f"yearend_{year}_{found.project_id}"):
        typed: dict[int, str] = {}
        one: int | None = None
        for i in found.indicators:
            typed[i.indicator_id] = st.text_area(
                plain(_label(i.name, f"{i.level1} · {i.level2}", i.is_draft)),
                value=i.text,
                key=f"yearend_text_{i.indicator_id}",
                height=80,
            )
            if st.form_submit_button(t("yearend_confirm_one"), key=f"yearend_one_{i.indicator_id}"):
                one = i.indicator_id
        summary = st.text_area(
            plain(_label(t("yearend_overall"), "", found.summary_is_draft).lstrip(" ·")),
            value=found.summary,
            key=f"yearend_summary_{found.project_id}",
            height=120,
        )
        every = st.form_submit_button(t("yearend_confirm_all"), type="primary", key="yearend_all")
    if one is not None:
        _confirm(year, {one: typed[one]}, {})
    elif every:
        _confirm(year, typed, {found.project_id: summary})


render()
