"""无权访问: what a page a role may not open shows (registered hidden under that page's address, issue 14),
instead of Streamlit's English "Page not found"."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t

st.title(t("no_access_title"))
st.error(t("no_access"))
