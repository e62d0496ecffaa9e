"""In a real browser: a project named with Markdown links and images fetches nothing and links nowhere;
the session cookie is HttpOnly, survives a reload, and does not work in another browser."""

import csv
from urllib.parse import urlsplit

import pytest
from browser_helpers import DEMO_PASSWORD, served, sign_in
from helpers import run_cli

from core.accounts import ensure_demo_accounts

LINK = "[点此重新登录](https://example.invalid/login)项目"
IMAGE = "![t](https://example.invalid/x.png)<img/src=https://example.invalid/y.png>项目"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """`perfboard serve` on a database whose two projects are named with links and images."""
    folder = tmp_path_factory.mktemp("hostile-browser")
    targets = folder / "targets.csv"
    with open(targets, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                [
                    "年度",
                    "申报单位名称",
                    "项目名称",
                    "项目当年预算（元）",
                    "一级目标",
                    "二级目标",
                    "三级目标",
                    "指标目标值",
                ],
                ["2020", "单位", LINK, "100000", "产出目标", "数量", IMAGE + "课程", ">=12期"],
                ["2020", "单位", IMAGE, "100000", "产出目标", "数量", LINK + "课程", ">=12期"],
            ]
        )
    db = folder / "hostile.duckdb"
    run_cli("ingest", "targets", str(targets), db=db, check=True)
    ensure_demo_accounts(db, DEMO_PASSWORD)
    with served(db, {"PERFBOARD_USER": "browser-test"}) as url:
        yield url


def outside(page) -> list[str]:
    """Links and images on the page that point away from the dashboard's own server."""
    here = urlsplit(page.url).hostname
    urls = page.evaluate("() => [...document.querySelectorAll('a[href], img[src]')].map(e => e.href || e.src)")
    return [u for u in urls if urlsplit(u).hostname not in (here, None)]


def session_cookie(page) -> dict:
    """The session cookie, once the page has had the server set it."""
    for _ in range(50):
        found = [c for c in page.context.cookies() if c["name"] == "perfboard_session"]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError("the server never set the session cookie")


def test_hostile_names_fetch_nothing_and_the_cookie_is_httponly_and_bound(hostile_server, anonymous_page, browser):
    page = anonymous_page
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if urlsplit(r.url).hostname == "example.invalid" else None)
    sign_in(page, hostile_server, "demo-admin")
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "perfboard_session" not in page.evaluate("document.cookie")  # scripts on the page cannot read it
    assert outside(page) == []  # the overview's links to the projects stay on this server
    # the page link, by its label (the first shown: a phone's cards and the quadrant's lists link it too)
    page.locator("[data-testid='stPageLink'] a:visible").filter(has_text="x.png").first.click()
    page.wait_for_selector("h1:has-text('x.png')")
    page.wait_for_selector(".pb-chart svg")  # its charts, drawn as SVG with the name in their titles
    assert page.locator(".pb-chart a, .pb-chart img").count() == 0  # names in the charts stay words
    assert page.locator("h1").first.inner_text().replace("\u2060", "") == IMAGE  # the title, literally
    assert outside(page) == []
    assert fetched == []  # no image asked for, from either page

    other = browser.new_context(user_agent="Mozilla/5.0 (another browser)", locale="zh-CN")
    try:  # the same token, copied into another browser, signs nobody in
        other.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
        stolen = other.new_page()
        stolen.goto(hostile_server)
        stolen.wait_for_selector('button:has-text("登录")', timeout=60_000)
        assert stolen.locator('h1:has-text("总览")').count() == 0
    finally:
        other.close()
