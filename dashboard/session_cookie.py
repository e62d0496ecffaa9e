"""Keep the session token in a cookie so that reloading the page does not sign the user out.

Streamlit reads cookies (``st.context.cookies``) but cannot set them, so a zero-height
component sets it in the browser.  The token is random and stored only as its SHA-256; the
session still expires on the server after ``[auth] session_hours``.
"""

from __future__ import annotations

import json

import streamlit as st
import streamlit.components.v1 as components

from core.config import load_config

COOKIE = "perfboard_session"


def session_cookie(token: str | None) -> None:
    """Set the cookie to ``token`` (None clears it)."""
    age = int(load_config().auth.session_hours * 3600) if token else 0
    value = json.dumps(token or "")  # a JSON string literal: nothing from outside is pasted into the script
    components.html(
        f"<script>window.parent.document.cookie = '{COOKIE}=' + encodeURIComponent({value}) + "
        f"'; path=/; max-age={age}; SameSite=Strict';</script>",
        height=0,
    )


def stored_token() -> str | None:
    """The token the browser sent with this session, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None
