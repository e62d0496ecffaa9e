"""登录: the only page before signing in."""

from __future__ import annotations

import streamlit as st

from core.accounts import AuthError
from dashboard import data
from dashboard.i18n import t


def render() -> None:
    st.title(t("app_title"))
    with st.form("login"):
        username = st.text_input(t("username"), key="login_user")
        password = st.text_input(t("password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("sign_in"), type="primary")
    if submitted:
        try:
            st.session_state["pb_token"] = data.sign_in(username, password)
        except AuthError as exc:
            st.error(str(exc))
            return
        st.rerun()


render()
