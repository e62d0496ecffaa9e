"""perfboard's dashboard: the router. Pages live in dashboard/views and stay thin."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import LANGS, t

st.set_page_config(page_title="财政项目支出绩效监控", page_icon=":material/traffic:", layout="wide")

if "lang" not in st.session_state:
    st.session_state["lang"] = st.query_params.get("lang", "zh") if st.query_params.get("lang") in LANGS else "zh"
st.sidebar.radio(t("language"), list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
st.sidebar.caption(t("app_title"))

data.ensure_database()

pages = [
    st.Page("views/overview.py", title=t("overview"), icon=":material/traffic:", url_path="overview", default=True),
    st.Page("views/project.py", title=t("project"), icon=":material/folder_open:", url_path="project"),
    st.Page("views/entry.py", title=t("entry"), icon=":material/edit_note:", url_path="entry"),
    st.Page("views/exports.py", title=t("exports"), icon=":material/download:", url_path="exports"),
]
st.navigation(pages).run()
