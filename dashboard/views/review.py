"""月度报送: one project's month — its state and history; 提交 for staff, 审核通过 / 退回 for leaders, 解锁 for admins.

docs/domain.md §10.  Every step goes through ``ingest.review`` (``data.review_step``), which checks who may take
it; the buttons offered here follow the same rules so nobody meets a refusal they could have been spared, and a
refusal that still comes (a race, an empty reason) is shown in the UI language, never as a traceback.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core import clock
from core.db import DatabaseBusy
from dashboard import data
from dashboard.i18n import lang, t
from dashboard.render import plain
from dashboard.views.common import current_actor
from ingest.review import STATE_EN, STATE_ZH, STEP_EN, STEP_ZH, ReviewRefused
from metrics.due import deadline, reporting_month
from metrics.review_state import State, Step

FLASH = "pb_review_flash"


def state_text(state: str) -> str:
    return (STATE_ZH if lang() == "zh" else STATE_EN)[State(state)]


def step_text(step: str) -> str:
    return STEP_ZH[Step(step)] if lang() == "zh" else STEP_EN[Step(step)].capitalize()


def month_text(month: date) -> str:
    return f"{month.year}年{month.month}月" if lang() == "zh" else f"{month:%Y-%m}"


def when_text(at) -> str:
    return pd.Timestamp(at).strftime("%Y-%m-%d %H:%M")


def choose(actor) -> tuple[str, int, date] | None:
    """Year, project and month, defaulting to the URL's ``project`` and ``month`` (a link opens the same month)."""
    years = data.years()
    if not years:
        return None
    asked_month = st.query_params.get("month", "")
    asked_year = int(asked_month[:4]) if asked_month[:4].isdigit() and int(asked_month[:4]) in years else None
    cols = st.columns([1, 3, 1])
    year = cols[0].selectbox(t("year"), years, index=years.index(asked_year) if asked_year else 0, key="review_year")
    projects = data.visible_projects(actor, year)
    if not projects:
        st.info(t("review_no_projects"))
        return None
    names = list(projects)
    asked = st.query_params.get("project")
    name = cols[1].selectbox(t("project"), names, index=names.index(asked) if asked in names else 0, key="review_p")
    now = reporting_month(data.config(), clock.today())
    default = now.month if now.year == year else 12
    if asked_year == year and asked_month[5:].isdigit() and 1 <= int(asked_month[5:]) <= 12:
        default = int(asked_month[5:])
    month = cols[2].selectbox(
        t("review_month"),
        list(range(1, 13)),
        index=default - 1,
        format_func=lambda m: f"{year}-{m:02d}",
        key=f"review_m_{year}",
    )
    st.query_params["project"] = name
    st.query_params["month"] = f"{year}-{month:02d}"
    return name, projects[name], date(year, month, 1)


def queue(actor, year: int) -> None:
    """For a reviewer: the months of their projects awaiting review."""
    projects = data.visible_projects(actor, year)
    states = data.month_states(year, projects.values())
    waiting = states[states["state"] == str(State.SUBMITTED)]
    if waiting.empty:
        return
    names = {p: n for n, p in projects.items()}
    with st.expander(t("review_queue", n=len(waiting)), expanded=True):
        for pid, month, who, at in waiting[["project_id", "month", "actor", "happened_at"]].itertuples(index=False):
            st.markdown(plain(f"{names[int(pid)]} · {month_text(month)} · {who} · {when_text(at)}"))


def status(state: str, history: pd.DataFrame) -> None:
    """The state, said prominently: a returned month's reason is the first thing staff read."""
    last = history.iloc[-1] if len(history) else None
    if state == State.RETURNED and last is not None:
        st.error(
            plain(t("review_returned", actor=last["actor"], when=when_text(last["happened_at"]), reason=last["reason"]))
        )
    elif state == State.APPROVED and last is not None:
        st.success(plain(t("review_approved", actor=last["actor"], when=when_text(last["happened_at"]))))
    elif state == State.SUBMITTED and last is not None:
        st.info(plain(t("review_submitted", actor=last["actor"], when=when_text(last["happened_at"]))))
    else:
        st.markdown(plain(t("review_state", state=state_text(state))))


def history_table(history: pd.DataFrame) -> None:
    st.subheader(t("review_history"))
    if history.empty:
        st.caption(t("review_no_history"))
        return
    shown = pd.DataFrame(
        {
            t("col_step"): [step_text(a) for a in history["action"]],
            t("col_actor"): history["actor"],
            t("col_when"): [when_text(w) for w in history["happened_at"]],
            t("col_step_reason"): history["reason"].fillna(""),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def take(step: str, pid: int, month: date, actor, reason: str | None = None) -> None:
    """Take the step; on success say so after the rerun, on refusal say why here."""
    try:
        done = data.review_step(step, pid, month, actor, reason)
    except ReviewRefused as refused:
        st.error(plain(refused.format(lang())))
        return
    except DatabaseBusy:
        st.error(t("busy"))
        return
    st.session_state[FLASH] = t("review_done", step=step_text(step), state=state_text(done.state))
    st.rerun()


def missing_list(refused: ReviewRefused) -> None:
    items = refused.missing_en if lang() == "en" else refused.missing
    if not items:
        st.warning(plain(refused.format(lang())))
        return
    st.warning(t("review_missing"))
    st.markdown("\n".join(f"- {plain(i)}" for i in items))


def actions(actor, name: str, pid: int, month: date, state: str) -> None:
    if state in (State.OPEN, State.RETURNED) and actor.may_write(pid):
        refused = data.submit_refusal(pid, name, month)
        if refused is not None:
            missing_list(refused)
        else:
            st.success(t("review_ready"))
        if st.button(t("review_submit"), type="primary", disabled=refused is not None, key="review_submit"):
            take(Step.SUBMIT, pid, month, actor)
    if state == State.SUBMITTED and data.may_review(actor, pid):
        left, right = st.columns([1, 2])
        if left.button(t("review_approve"), type="primary", key="review_approve"):
            take(Step.APPROVE, pid, month, actor)
        reason = right.text_area(t("review_return_reason"), key="review_return_reason", height=80)
        if right.button(t("review_return"), key="review_return"):
            take(Step.RETURN, pid, month, actor, reason)
    if state == State.APPROVED and actor.is_admin:
        reason = st.text_area(t("review_unlock_reason"), key="review_unlock_reason", height=80)
        if st.button(t("review_unlock"), key="review_unlock"):
            take(Step.UNLOCK, pid, month, actor, reason)


def render() -> None:
    actor = current_actor()
    st.title(t("review"))
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    chosen = choose(actor)
    if chosen is None:
        return
    name, pid, month = chosen
    if actor.role in ("leader", "admin"):
        queue(actor, month.year)
    st.subheader(plain(f"{name} · {month_text(month)}"))
    st.caption(t("review_deadline", deadline=deadline(month.year, month.month, data.config()).isoformat()))
    state, history = data.month_review(pid, month)
    status(state, history)
    actions(actor, name, pid, month, state)
    history_table(history)


render()
