"""设置: the admin changes thresholds (each change audited); every light and score follows at once."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import t
from dashboard.views.common import current_actor
from core.settings import CHOICES, editable


def render() -> None:
    st.title(t("settings"))
    st.caption(t("settings_help"))
    values = data.settings()
    defaults = editable()
    changed = {}
    with st.form("settings"):
        for (section, key), value in values.items():
            label = f"{section}.{key}（{t('default')} {defaults[(section, key)]}）"
            if (section, key) in CHOICES:
                options = list(CHOICES[(section, key)])
                new = st.selectbox(label, options, index=options.index(value), key=f"set_{section}_{key}")
            else:
                new = st.number_input(label, value=float(value), min_value=0.0, key=f"set_{section}_{key}")
            if new != value:
                changed[(section, key)] = new
        submitted = st.form_submit_button(t("save"), type="primary")
    if not submitted:
        return
    try:
        for (section, key), value in changed.items():
            data.change_setting(section, key, value, current_actor())
    except ValueError as exc:
        st.error(str(exc))
        return
    st.success(t("saved"))


render()
