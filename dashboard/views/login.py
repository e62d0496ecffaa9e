"""登录: the only page before signing in."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core.accounts import AuthError
from dashboard import data
from dashboard.i18n import t
from dashboard.session_cookie import stored_token


def preload_charts() -> None:
    """An empty, hidden chart: the browser loads and compiles the chart library while the user types, so
    the overview's charts draw at once after signing in (the page is not reloaded in between)."""
    st.html("<style>.st-key-pb_preload{display:none}</style>")
    with st.container(key="pb_preload"):
        st.plotly_chart(go.Figure(), config={"staticPlot": True}, key="pb_preload_chart")


def render() -> None:
    st.title(t("app_title"))
    data.warm_overview(st.query_params.get("month", ""))  # judged while the user types, not after
    preload_charts()
    with st.form("login"):
        username = st.text_input(t("username"), key="login_user")
        password = st.text_input(t("password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("sign_in"), type="primary")
    if submitted:
        try:  # a new token on every sign-in: the one presented before (if any) is ended, never reused
            st.session_state["pb_token"] = data.sign_in(username, password, previous=stored_token())
        except AuthError:
            st.error(t("sign_in_failed"))  # the same words whether the name, the password or a lock-out failed
            return
        st.rerun()


render()
