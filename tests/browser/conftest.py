"""A real `perfboard serve` on a free localhost port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import pytest
from browser_helpers import ARGS, CHROMIUM, DEMO_PASSWORD, served, sign_in


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "served.duckdb"  # empty: the first start loads the demo
    with served(db, {"PERFBOARD_USER": "browser-test", "PERFBOARD_DEMO_PASSWORD": DEMO_PASSWORD}) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def anonymous_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture
def page(anonymous_page, server):
    """A browser signed in as the demo admin (the session cookie survives page loads)."""
    sign_in(anonymous_page, server, "demo-admin")
    return anonymous_page
