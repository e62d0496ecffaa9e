"""登录: the only page before signing in."""

from __future__ import annotations

import streamlit as st

from core.accounts import AuthError
from dashboard import data
from dashboard.i18n import t
from dashboard.session_cookie import stored_token


def render() -> None:
    st.title(t("app_title"))
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
