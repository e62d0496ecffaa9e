"""perfboard's dashboard: the router. Pages live in dashboard/views and stay thin.

Nobody sees data before signing in; the pages offered follow the account's role.
"""

from __future__ import annotations

import streamlit as st

from core.accounts import ROLE_ZH
from dashboard import data
from dashboard.i18n import LANGS, t
from dashboard.render import plain
from dashboard.session_cookie import remember_language, stored_language, stored_token, sync_cookie

st.set_page_config(page_title="财政项目支出绩效监控", page_icon=":material/traffic:", layout="wide")

if "lang" not in st.session_state:  # a new session (a reload): the URL's ?lang=, else this browser's last choice
    asked = st.query_params.get("lang") or stored_language()
    st.session_state["lang"] = asked if asked in LANGS else "zh"
st.sidebar.radio(t("language"), list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
if st.session_state["lang"] == "zh":  # the default needs no parameter
    st.query_params.pop("lang", None)
else:  # kept in the address on every page, so a reload or a shared link keeps the language
    st.query_params["lang"] = st.session_state["lang"]
remember_language(st.session_state["lang"])

data.ensure_database()
cookie = stored_token()
if "pb_token" not in st.session_state and cookie:
    st.session_state["pb_token"] = cookie  # a reload keeps the sign-in until it expires
actor = data.current_actor(st.session_state.get("pb_token"))
st.session_state["pb_actor"] = actor

if actor is None:
    st.session_state.pop("pb_token", None)
    sync_cookie(None)  # a stale or foreign token is cleared from the browser
    st.navigation([st.Page("views/login.py", title=t("sign_in"), icon=":material/login:", url_path="login")]).run()
else:
    role = ROLE_ZH[actor.role] if st.session_state["lang"] == "zh" else actor.role
    st.sidebar.caption(plain(f"{t('signed_in_as')} {actor.username}（{role}）"))
    sync_cookie(st.session_state["pb_token"])  # a reload keeps the sign-in (HttpOnly cookie, set by the server)
    if st.sidebar.button(t("sign_out"), key="sign_out"):
        data.sign_out(st.session_state.pop("pb_token"))
        st.session_state["pb_actor"] = None
        st.rerun()  # the next run, signed out, clears the cookie
    pages = [
        st.Page("views/overview.py", title=t("overview"), icon=":material/traffic:", url_path="overview", default=True),
        st.Page("views/project.py", title=t("project"), icon=":material/folder_open:", url_path="project"),
    ]
    if actor.role in ("staff", "admin"):
        pages.append(st.Page("views/entry.py", title=t("entry"), icon=":material/edit_note:", url_path="entry"))
        pages.append(st.Page("views/yearend.py", title=t("yearend"), icon=":material/task_alt:", url_path="yearend"))
    pages.append(st.Page("views/review.py", title=t("review"), icon=":material/fact_check:", url_path="review"))
    if actor.role in ("leader", "admin"):
        pages.append(st.Page("views/cycle.py", title=t("cycle"), icon=":material/grid_view:", url_path="cycle"))
    pages.append(st.Page("views/exports.py", title=t("exports"), icon=":material/download:", url_path="exports"))
    if actor.role in ("leader", "admin"):  # an admin reads the whole trail, a leader that of their own projects
        pages.append(st.Page("views/audit.py", title=t("audit"), icon=":material/history:", url_path="audit"))
    if actor.is_admin:
        pages.append(st.Page("views/accounts.py", title=t("accounts"), icon=":material/group:", url_path="accounts"))
        pages.append(st.Page("views/settings.py", title=t("settings"), icon=":material/tune:", url_path="settings"))
    # fix14: a page this role may not open says 无权访问 at its address (hidden from the menu), not "Page not found"
    opened = {page.url_path for page in pages}
    pages += [
        st.Page("views/denied.py", title=t("no_access_title"), url_path=path, visibility="hidden")
        for path in ("entry", "yearend", "cycle", "audit", "accounts", "settings")
        if path not in opened
    ]
    page = st.navigation(pages)
    if actor.role == "staff" and page.url_path == "":  # the landing page: what is due (docs/domain.md §10)
        from dashboard.views.todo import render as todo

        todo(actor)
    page.run()
