"""审计: the audit trail with filters — everything for an admin, the trail of their own projects for a leader."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from core.accounts import PermissionDenied
from dashboard import data
from dashboard.admin_tables import action_label, audit_table
from dashboard.i18n import TEXT, lang, setting_label, t
from dashboard.views.common import current_actor

ACTIONS = ["", "upload", "revert", "sign-in", "account", "targets", "bindings", "selfeval", "config"]


def render() -> None:
    actor = current_actor()
    st.title(t("audit"))
    if not actor.is_admin:
        st.caption(t("audit_own_projects"))
    cols = st.columns(4)
    who = cols[0].text_input(t("username"), key="audit_who").strip() or None
    action = (
        cols[1].selectbox(
            t("action"),
            ACTIONS,
            format_func=lambda a: action_label(a, lang()) if a else t("audit_all_actions"),
            key="audit_action",
        )
        or None
    )
    since = cols[2].date_input(t("since"), date.today() - timedelta(days=30), key="audit_since")
    until = cols[3].date_input(t("until"), date.today(), key="audit_until")
    try:
        rows = data.audit(actor, who, action, since, until)
    except PermissionDenied:
        st.error(t("no_access"))
        return
    st.caption(t("audit_rows", n=len(rows)))
    names = {pid: name for year in data.years() for name, pid in data.project_ids(year).items()}
    shown = audit_table(rows, lang(), names, _setting, _choice)
    st.dataframe(shown, hide_index=True, width="stretch")


def _setting(name: str) -> str:
    """budget.mode → 预算执行灯：判断方式 (the settings page's label)."""
    section, _, key = name.partition(".")
    return setting_label(section, key) if key else name


def _choice(value: str) -> str:
    """ratio → 比值：执行率 ÷ 时间进度 (the settings page's words for a choice)."""
    return t(f"mode_{value}") if f"mode_{value}" in TEXT else value


render()
