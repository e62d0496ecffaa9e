"""What `perfboard serve` runs: the dashboard (app.py) with the one route that sets the session cookie.

A page cannot set an HttpOnly cookie, so the server does (dashboard/session_cookie.py).  Run as
`streamlit run dashboard/server.py`; `streamlit run dashboard/app.py` also works, but then a reload
signs the user out, since nothing can set the cookie.
"""

from __future__ import annotations

import streamlit as st
from starlette.routing import Route

from dashboard.session_cookie import ROUTE, cookie_route

app = st.App("app.py", routes=[Route(ROUTE, cookie_route, methods=["POST"])])
