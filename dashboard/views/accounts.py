"""账号: the admin's page: accounts, roles, passwords and which projects each staff account may write for."""

from __future__ import annotations

import streamlit as st

from core.accounts import ROLE_ZH, ROLES, add_user, assign, assign_unit, set_password, unit_label
from dashboard import data
from dashboard.admin_tables import accounts_table
from dashboard.i18n import lang, t
from dashboard.render import plain
from dashboard.views.common import current_actor


def render() -> None:
    actor = current_actor()
    st.title(t("accounts"))
    names = data.account_rows()["username"].tolist()
    year = data.years()[0]
    projects = data.project_ids(year)
    left, right = st.columns(2)
    with left, st.form("add_user"):
        st.subheader(t("add_user"))
        username = st.text_input(t("username"), key="new_user")
        role = st.selectbox(t("role"), ROLES, format_func=lambda r: ROLE_ZH[r] if lang() == "zh" else r, key="new_role")
        password = st.text_input(t("password"), type="password", key="new_password")
        if st.form_submit_button(t("save")):
            try:
                data.admin_write(add_user, username, password, role, actor=actor)
                st.success(t("saved"))
            except ValueError as exc:
                st.error(plain(str(exc)))
    with right, st.form("assign"):
        st.subheader(t("assign"))
        who = st.selectbox(t("username"), names, key="assign_user")
        chosen = st.multiselect(t("col_project"), list(projects), key="assign_projects")
        new_password = st.text_input(t("new_password"), type="password", key="reset_password")
        if st.form_submit_button(t("save")) and who:
            try:
                data.admin_write(assign, who, [projects[p] for p in chosen], actor=actor)
                if new_password:
                    data.admin_write(set_password, who, new_password, actor=actor)
                st.success(t("saved"))
            except ValueError as exc:
                st.error(plain(str(exc)))
    with st.form("assign_unit"):  # units13: scope an account to a unit or a whole 主管部门 (docs/domain.md §10)
        st.subheader(t("assign_unit"))
        left, right = st.columns(2)
        who = left.selectbox(t("username"), names, key="unit_user")
        scope = right.selectbox(
            t("unit_scope"),
            [None, *data.unit_choices()],
            format_func=lambda c: t("no_unit_scope") if c is None else unit_label(*c),
            key="unit_scope",
        )
        if st.form_submit_button(t("save")) and who:
            try:
                data.admin_write(assign_unit, who, *(scope or (None, None)), actor=actor)
                st.success(t("saved"))
            except ValueError as exc:
                st.error(plain(str(exc)))
    # after the forms: shows their changes
    st.dataframe(accounts_table(data.account_rows(), lang()), hide_index=True, width="stretch")


render()
