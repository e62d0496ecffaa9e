"""AppTest helpers: a signed-in run of the dashboard, and the lights it shows."""

from __future__ import annotations

import html
import os
import re

from helpers import ROOT
from streamlit.testing.v1 import AppTest

from core import accounts

APP = str(ROOT / "dashboard" / "app.py")
ROW = re.compile(
    r'<tr class="pb-row" title="([^"]*)" data-project="([^"]*)" data-indicator="([^"]*)" data-status="(\w+)"'
)


PASSWORD = "demo-password-1"


def token_for(user: str) -> str:
    db = os.environ["PERFBOARD_DB"]
    return accounts.start_session(db, accounts.authenticate(db, user, PASSWORD))


def app(month: str | None = "2020-06", page: str | None = None, user: str | None = "demo-admin", **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state["pb_token"] = token_for(user)
    if month:
        at.query_params["month"] = month
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _matrix_rows(at: AppTest) -> list[tuple[str, str, str, str]]:
    """(project, indicator, light, explanation) of every row of the lights matrix."""
    body = next(h.value for h in at.html if 'id="pb-matrix"' in h.value)
    return [(html.unescape(p), html.unescape(i), s, html.unescape(e)) for e, p, i, s in ROW.findall(body)]


def matrix_lights(at: AppTest) -> dict:
    return {(p, i): s for p, i, s, _ in _matrix_rows(at)}


def matrix_explanations(at: AppTest) -> dict:
    return {(p, i): e for p, i, _, e in _matrix_rows(at)}


FIGURE = re.compile(r'<figure class="pb-chart" data-title="([^"]*)">(.*?)</figure>')


def drawn_charts(at: AppTest, wide: bool = False) -> list[dict]:
    """The project page's SVG charts (``dashboard.svg_charts``): the indicator paths, or with ``wide`` the
    budget S-curve. Each: its title, the months of its points in order, and every text it draws."""
    marker = 'class="pb-charts pb-wide"' if wide else 'class="pb-charts"'
    block = next(m.value for m in at.markdown if marker in m.value)
    return [
        {
            "title": html.unescape(title),
            "months": [int(m) for m in re.findall(r'data-month="(\d+)"', svg)],
            "texts": [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)],
            "svg": svg,
        }
        for title, svg in FIGURE.findall(block)
    ]
