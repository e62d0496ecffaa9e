"""审计: every sign-in, upload, correction, rating, explanation and account change, with filters."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard import data
from dashboard.i18n import t

ACTIONS = ["", "upload", "revert", "sign-in", "account", "targets", "bindings", "selfeval"]


def render() -> None:
    st.title(t("audit"))
    cols = st.columns(4)
    who = cols[0].text_input(t("username"), key="audit_who").strip() or None
    action = cols[1].selectbox(t("action"), ACTIONS, key="audit_action") or None
    since = cols[2].date_input(t("since"), date.today() - timedelta(days=30), key="audit_since")
    until = cols[3].date_input(t("until"), date.today(), key="audit_until")
    rows = data.audit(who, action, since, until)
    st.caption(t("audit_rows", n=len(rows)))
    st.dataframe(rows, hide_index=True, width="stretch")


render()
