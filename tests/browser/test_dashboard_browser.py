"""The dashboard in a real browser: Chinese text, coloured lights, month change, navigation, upload, download."""

import time
from urllib.parse import quote

from browser_helpers import sign_in
from helpers import DATA
from playwright.sync_api import expect

HOURS = '#pb-matrix tr[data-indicator="宣传服务"]'  # 3 short days: yellow mid-year, red at the year's end


def choose_file(page, path) -> None:
    """Give the upload widget a file once it is ready (a file set before it is wired up is dropped)."""
    field = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    field.wait_for(state="attached")
    page.wait_for_timeout(1000)
    field.set_input_files(str(path))


def rendered_overview(page):
    page.wait_for_selector("#pb-matrix")
    page.wait_for_selector(".js-plotly-plot")


def test_overview_renders_chinese_and_coloured_lights(server, page, capsys):
    started = time.perf_counter()
    page.goto(f"{server}/?month=2020-06")
    rendered_overview(page)
    first = time.perf_counter() - started
    assert page.get_by_role("heading", name="总览").is_visible()
    assert page.get_by_text("指标灯一览").is_visible()
    red = page.locator('#pb-matrix .pb-light[data-status="red"] span').first
    assert red.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(214, 69, 65)"
    assert page.locator('#pb-matrix .pb-light[data-status="yellow"]').count() >= 1
    assert page.locator(HOURS).get_attribute("data-status") == "yellow"
    # the month selector: from June to December, by keyboard on the slider
    slider = page.get_by_role("slider")
    slider.focus()
    started = time.perf_counter()
    slider.press("End")
    page.wait_for_selector('#pb-matrix[data-month="2020-12"]')
    page.wait_for_selector(f'{HOURS}[data-status="red"]')
    change = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n[timing] overview first render {first:.2f} s; month change {change:.2f} s")


def test_navigation_to_a_project(server, page):
    page.goto(f"{server}/?month=2020-06")
    rendered_overview(page)
    page.get_by_role("link", name="上海体育文史业务经费").click()
    page.wait_for_selector('h1:has-text("上海体育文史业务经费")')
    page.wait_for_selector(".pb-chart svg")
    assert "project" in page.url and quote("上海体育文史业务经费") in page.url
    assert page.locator("#pb-matrix tr.pb-row").count() == 10


def test_bad_upload_shows_its_errors(server, page):
    page.goto(f"{server}/entry")
    page.wait_for_selector("text=下载模板")
    choose_file(page, DATA / "actuals_bad" / "unknown_project.csv")
    page.wait_for_selector("text=发现 1 个问题，未写入任何数据")
    page.wait_for_selector('[data-testid="stDataFrame"]')
    assert page.get_by_role("button", name="确认写入").count() == 0


def test_template_download_arrives(server, page, tmp_path):
    page.goto(f"{server}/entry")
    page.wait_for_selector("text=下载模板")
    with page.expect_download() as info:
        page.get_by_role("button", name="预算执行").click()
    download = info.value
    assert download.suggested_filename == "budget_template.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.stat().st_size > 1000 and saved.read_bytes()[:2] == b"PK"


def test_staff_uploads_for_an_assigned_project_is_refused_another_and_signs_out(server, anonymous_page):
    page = anonymous_page
    sign_in(page, server, "demo-staff")
    page.goto(f"{server}/entry")
    page.wait_for_selector("text=下载模板")
    # 上海体育系统人员培训经费 (assigned), July and August: the served demo has approved and locked January–May
    choose_file(page, DATA / "actuals" / "deliverables_open_months.csv")
    page.wait_for_selector("text=校验通过：产出数量")
    page.get_by_role("button", name="确认写入").click()
    page.wait_for_selector("text=已写入：3 行")
    choose_file(page, DATA / "actuals" / "budget.csv")  # two projects that are not demo-staff's
    # refused before 校验通过, naming the projects, with no button to confirm (issue 14)
    page.wait_for_selector("text=文件中有您无权填报的项目的数据")
    assert page.locator("text=校验通过：预算执行").count() == 0
    expect(page.get_by_role("button", name="确认写入")).to_have_count(0)  # the earlier run's button may linger a moment
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("密码").wait_for()  # the sign-in form ("登录" alone would match "退出登录")
    page.goto(f"{server}/?month=2020-06")  # signed out for good: the session has ended
    page.get_by_label("密码").wait_for()
    assert page.locator("#pb-matrix").count() == 0
    assert page.get_by_role("button", name="退出登录").count() == 0
