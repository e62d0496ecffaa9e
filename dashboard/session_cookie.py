"""Keep the session token in an HttpOnly cookie so that reloading the page does not sign the user out.

Streamlit reads cookies (``st.context.cookies``) but a page cannot set an HttpOnly one: a script can
only write cookies that scripts can read back.  So the server sets it: ``dashboard/server.py`` serves
the dashboard with one route of ours, ``ROUTE``, and the page hands the token over through it.  The
page registers the token under a one-time code (valid for a minute, in this process's memory) and a
zero-height component POSTs only that code; the route answers with ``Set-Cookie: …; HttpOnly;
SameSite=Strict``.  The token never appears in the page, and scripts on the page cannot read the cookie.
Clearing the cookie goes the same way (a code that stands for "no token").

The token is random and stored in the database only as a hash bound to the browser (core.accounts);
the session still expires on the server after ``[auth] session_hours``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time

import streamlit as st
import streamlit.components.v1 as components
from starlette.requests import Request
from starlette.responses import Response

from core.config import load_config

COOKIE = "perfboard_session"
ROUTE = "/perfboard/session"
HANDOVER_SECONDS = 60.0
_CODE_LENGTH = 64  # longer bodies are not codes of ours

_pending: dict[str, tuple[str, float]] = {}  # hash of a code → (token, "" to clear; deadline)
_pending_lock = threading.Lock()


def _key(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def hand_over(token: str | None, now: float | None = None) -> str:
    """A one-time code that the route exchanges for setting the cookie to ``token`` (None: clearing it)."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic() if now is None else now
    with _pending_lock:
        for stale in [k for k, (_, deadline) in _pending.items() if deadline <= now]:
            del _pending[stale]
        _pending[_key(code)] = (token or "", now + HANDOVER_SECONDS)
    return code


def redeem(code: str, now: float | None = None) -> str | None:
    """The token a code stands for ("" to clear), once; None for an unknown, used or expired code."""
    now = time.monotonic() if now is None else now
    with _pending_lock:
        entry = _pending.pop(_key(code), None)
    if entry is None or entry[1] <= now:
        return None
    return entry[0]


async def cookie_route(request: Request) -> Response:
    """POST ``ROUTE`` with a code in the body: set (or clear) the HttpOnly session cookie."""
    body = await request.body()
    token = redeem(body.decode("ascii", "replace")) if len(body) <= _CODE_LENGTH else None
    if token is None:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    secure = request.url.scheme == "https"
    if token:
        age = int(load_config().auth.session_hours * 3600)
        response.set_cookie(COOKIE, token, max_age=age, path="/", httponly=True, samesite="strict", secure=secure)
    else:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure)
    return response


def session_cookie(token: str | None) -> None:
    """Ask the browser to have the server set the cookie to ``token`` (None clears it)."""
    code = json.dumps(hand_over(token))  # a JSON string literal: nothing from outside is pasted into the script
    route = json.dumps(ROUTE)
    components.html(
        f"<script>fetch(new URL({route}, window.parent.location.href), "
        f"{{method: 'POST', credentials: 'same-origin', cache: 'no-store', body: {code}}});</script>",
        height=0,
    )


def sync_cookie(token: str | None) -> None:
    """Have the browser's cookie hold ``token`` (None: none), asking once per change in this browser tab."""
    wanted = token or ""
    sent = st.session_state.get("pb_cookie_sent", stored_token() or "")
    if sent != wanted:
        session_cookie(token)
        st.session_state["pb_cookie_sent"] = wanted


def stored_token() -> str | None:
    """The token the browser sent with this session, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None


# -- phone14: the language, remembered across reloads (issue 14, part 5) --------------------------------
LANG_COOKIE = "perfboard_lang"  # not a secret: a script may write and read it
LANG_DAYS = 365


def stored_language() -> str | None:
    """The language this browser chose last time (the cookie ``remember_language`` wrote), if any."""
    value = st.context.cookies.get(LANG_COOKIE)
    return value if isinstance(value, str) and value else None


def remember_language(lang: str) -> None:
    """Have the browser keep ``lang`` for the next visit, writing the cookie once per change in this tab.

    The page's URL carries ``?lang=en`` too (set by the router); the cookie covers a visit that starts
    from a bare address.  ``lang`` is one of ``i18n.LANGS`` (checked by the caller), pasted as JSON."""
    sent = st.session_state.get("pb_lang_sent", stored_language() or "zh")
    if sent == lang:
        return
    cookie = json.dumps(f"{LANG_COOKIE}={lang}; path=/; max-age={LANG_DAYS * 86400}; samesite=strict")
    components.html(f"<script>window.parent.document.cookie = {cookie};</script>", height=0)
    st.session_state["pb_lang_sent"] = lang
