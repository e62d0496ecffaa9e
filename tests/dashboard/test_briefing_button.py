"""总览 offers the monthly briefing (dashboard/views/briefing_button.py): a PDF and a PNG, made on the click."""

from __future__ import annotations

from dash_helpers import app


def test_overview_offers_the_briefing(demo_db):
    at = app("2020-06")
    buttons = {b.label: b for b in at.get("download_button")}
    assert "月度简报 PDF" in buttons and "月度简报图片" in buttons
