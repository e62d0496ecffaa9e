"""The leader's phone and desk (issue 14): cards at 390 px and no sideways scrolling, the table at 1440 px,
the budget × results quadrant, and English that survives a reload and a change of page."""

import time
from urllib.parse import quote

import pytest
from browser_helpers import DEMO_PASSWORD, sign_in
from playwright.sync_api import expect

PHONE, DESK = {"width": 390, "height": 844}, {"width": 1440, "height": 1000}
PROJECT = "上海体育系统人员培训经费"
WIDTHS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return [document.documentElement.scrollWidth, main.scrollWidth, main.clientWidth];
}"""


@pytest.fixture
def leader(browser, server, request):
    """A fresh browser as the demo leader at the viewport the test asks for (``indirect`` parameter)."""
    context = browser.new_context(viewport=request.param, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def no_sideways_scroll(page, width: int) -> None:
    document, main, visible = page.evaluate(WIDTHS)
    assert document <= width and main <= visible, (document, main, visible)


@pytest.mark.parametrize("leader", [PHONE], indirect=True)
def test_phone_shows_cards_and_never_scrolls_sideways(server, leader):
    page = leader
    sign_in(page, server, "demo-leader")
    page.goto(f"{server}/?month=2020-06")
    page.wait_for_selector(".pb-card", state="visible")
    page.wait_for_selector(".js-plotly-plot")
    assert page.locator(".pb-card:visible").count() == 5  # one card per demo project
    assert not page.locator("#pb-matrix").is_visible()  # the wide table is sent but not shown
    card = page.locator(f'.pb-card[data-project="{PROJECT}"]')
    assert card.locator(".pb-card-flags .pb-light[data-status='red']").count() == 2  # its 2 red indicators
    assert not card.locator(".pb-card-all").is_visible()  # every indicator waits behind <details>
    card.locator("summary").click()
    assert card.locator(".pb-card-all li").count() == 6
    assert page.locator(".modebar").count() == 0  # no Plotly toolbar over the titles
    no_sideways_scroll(page, 390)

    page.goto(f"{server}/project?project={quote(PROJECT)}&month=2020-06")
    page.wait_for_selector(".pb-card", state="visible")
    page.wait_for_selector(".pb-chart svg")
    page.wait_for_timeout(500)
    assert not page.locator("#pb-matrix").is_visible()
    no_sideways_scroll(page, 390)


@pytest.mark.parametrize("leader", [DESK], indirect=True)
def test_desk_shows_the_table_and_the_quadrant(server, leader, capsys):
    page = leader
    page.goto(f"{server}/?month=2020-06")
    page.get_by_label("账号").fill("demo-leader")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector("#pb-matrix", state="visible")
    page.wait_for_selector(".js-plotly-plot")
    first = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n[timing] overview first render after sign-in {first:.2f} s (1440 x 1000)")
    assert page.locator(".pb-card:visible").count() == 0
    expect(page.get_by_text("红灯指标", exact=True)).to_be_visible()  # the headline may still be drawing
    # the quadrant: its four corners named in the chart, the two named ones listed with links beneath
    page.wait_for_selector(".st-key-quadrant .js-plotly-plot")
    corners = page.locator(".st-key-quadrant .annotation-text").all_text_contents()
    assert set(corners) == {"花钱快、效果慢", "效果好、花钱慢", "花钱快、效果好", "花钱慢、效果慢"}
    slow_good = page.locator(".st-key-pb_q_slow_good")
    assert slow_good.get_by_text("效果好、花钱慢").is_visible()
    # 信息技术保障经费 at June: 4 of its 5 indicators due are green (80%), 1,400,400 of 3,890,000 spent
    # (36%) at half the year: pace 0.72 — results good, spending slow
    assert slow_good.get_by_role("link", name="上海市体育局信息技术保障经费").is_visible()
    # a point opens its project: the first is the worst project, 培训经费 (red, with the most red lights)
    point = page.locator(".st-key-quadrant .scatterlayer .point").first
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(f'h1:has-text("{PROJECT}")')
    page.wait_for_selector("#pb-matrix", state="visible")


@pytest.mark.parametrize("leader", [DESK], indirect=True)
def test_english_survives_a_reload_and_a_change_of_page(server, leader):
    page = leader
    sign_in(page, server, "demo-leader")
    page.goto(f"{server}/?month=2020-06")
    page.wait_for_selector(".js-plotly-plot")
    page.get_by_text("English", exact=True).click()
    page.wait_for_selector('h1:has-text("Overview")')
    page.wait_for_selector(".js-plotly-plot")
    assert "lang=en" in page.url
    page.reload()
    page.wait_for_selector('h1:has-text("Overview")')
    page.wait_for_selector(".js-plotly-plot .xtick")
    ticks = page.locator(".js-plotly-plot .xtick text").all_text_contents()
    assert "Jun" in ticks and not any(t.endswith("月") for t in ticks)
    assert "leader" in page.get_by_test_id("stSidebar").inner_text()
    assert "领导" not in page.get_by_test_id("stSidebar").inner_text()
    expect(page.get_by_text("Red indicators", exact=True)).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Project").click()
    page.wait_for_selector(".pb-chart svg")
    expect(page.get_by_text("Budget S-curve")).to_be_visible()  # the overview's charts may linger a moment
    assert "Jun" in page.locator(".pb-chart text").all_text_contents()  # the paths' months in English too
    assert "lang=en" in page.url
    page.goto(server)  # a bare address: the browser's cookie remembers the choice
    page.wait_for_selector('h1:has-text("Overview")')
