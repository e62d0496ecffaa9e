"""审计: the audit trail with filters — everything for an admin, the trail of their own projects for a leader."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard import data
from dashboard.i18n import t
from dashboard.views.common import current_actor

ACTIONS = ["", "upload", "revert", "sign-in", "account", "targets", "bindings", "selfeval", "config"]


def render() -> None:
    actor = current_actor()
    st.title(t("audit"))
    if not actor.is_admin:
        st.caption(t("audit_own_projects"))
    cols = st.columns(4)
    who = cols[0].text_input(t("username"), key="audit_who").strip() or None
    action = cols[1].selectbox(t("action"), ACTIONS, key="audit_action") or None
    since = cols[2].date_input(t("since"), date.today() - timedelta(days=30), key="audit_since")
    until = cols[3].date_input(t("until"), date.today(), key="audit_until")
    rows = data.audit(actor, who, action, since, until)
    st.caption(t("audit_rows", n=len(rows)))
    st.dataframe(rows, hide_index=True, width="stretch")


render()
