"""Every page through streamlit.testing.v1.AppTest, on a fresh demo database."""

import json

import pytest
from dash_helpers import app, matrix_explanations, matrix_lights
from helpers import DATA, run_cli
from streamlit.testing.v1 import AppTest


def cli_lights(db, month: str) -> dict:
    report = json.loads(run_cli("status", "--month", month, "--format", "json", db=db, check=True).stdout)
    return {(p["name"], i["name"]): i["status"] for p in report["projects"] for i in p["indicators"]}


@pytest.mark.parametrize("month", ["2020-06", "2020-12"])
def test_overview_lights_equal_the_cli(demo_db, month):
    at = app(month)
    assert at.title[0].value == "总览"
    assert matrix_lights(at) == cli_lights(demo_db, month)
    assert [m.label for m in at.metric][:2] == ["项目数", "当年预算"]
    assert at.metric[0].value == "5"
    # June: 3,890,000 + 2,150,040 + 35,987,000 + 2,187,000 + 7,700,000 = 51,914,040 元 = 5,191.40万元
    assert at.metric[1].value == {"2020-06": "5,191.40万元", "2020-12": "4,992.70万元"}[month]  # a budget cut by Dec
    assert at.metric[4].label == "红灯指标" and at.metric[4].value.endswith("个")  # it counts indicators


def test_a_changed_threshold_shows_at_once(demo_db):
    """The admin's override is a write: a new data version, a new Config, so the next run judges with it.

    党校微课堂 by June: 26 of the 24 planned (the prose's 20 scaled to the table's 48), 108% — green below
    120%, blue when blue starts at 105%; the explanation states the bounds the light used."""
    from core.accounts import local_operator
    from dashboard import data

    key = ("上海体育系统人员培训经费", "党校微课堂")
    before = app("2020-06")
    assert matrix_lights(before)[key] == "green"
    digest = data.config().digest
    data.change_setting("lights", "accumulating_blue_from", "105", local_operator())
    assert data.config().digest != digest and data.config().lights.accumulating_blue_from == 105
    after = app("2020-06")
    assert matrix_lights(after)[key] == "blue"
    assert "≥105%为蓝灯" in matrix_explanations(after)[key]
    assert matrix_lights(after) == cli_lights(demo_db, "2020-06")


def test_overview_defaults_to_the_latest_month_with_data(demo_db):
    at = app(month=None)
    assert at.select_slider[0].value == 12


def test_month_selector_changes_the_lights(demo_db):
    at = app("2020-12")
    hours = ("上海体育宣传服务经费", "宣传服务")  # 3 short days: a miss at the year's end, yellow mid-year
    assert matrix_lights(at)[hours] == "red"
    at.select_slider[0].set_value(6).run()
    assert matrix_lights(at)[hours] == "yellow"


def test_overview_worst_first_and_attention(demo_db):
    at = app("2020-06")
    projects = list(dict.fromkeys(p for p, _ in matrix_lights(at)))
    assert projects[:2] == ["上海体育系统人员培训经费", "上海体育文史业务经费"]  # both red, training has more reds
    attention = at.dataframe[0].value
    assert set(attention["状态"]) <= {"红", "黄", "未填报"}
    assert "提升博物馆的社会知名度，让公众进一步了解上海体育历史" in set(attention["三级指标"])


def test_english_switch(demo_db):
    at = app("2020-06", lang="en")
    assert at.title[0].value == "Overview"
    assert "Lights by indicator" in [s.value for s in at.subheader]


def test_project_page_deep_link(demo_db):
    at = app("2020-06", page="views/project.py", project="上海体育文史业务经费")
    assert at.title[0].value == "上海体育文史业务经费"
    assert at.selectbox(key="project").value == "上海体育文史业务经费"
    lights = matrix_lights(at)
    assert lights[("上海体育文史业务经费", "提升博物馆的社会知名度，让公众进一步了解上海体育历史")] == "red"
    assert len(lights) == 10
    assert at.metric[0].value == "3,598.70万元"  # 35,987,000 元, in 万元 as on the overview
    history = at.dataframe[-1].value
    assert "visitors_2019_2020.csv" in set(history["文件"])


BAD = DATA / "actuals_bad" / "unknown_project.csv"
GOOD = DATA / "actuals" / "deliverables.csv"


def counts(db) -> tuple:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM load_log), (SELECT count(*) FROM deliverable_month)"
        ).fetchone()
    finally:
        con.close()


def test_entry_bad_upload_shows_errors_and_writes_nothing(demo_db):
    before = counts(demo_db)
    at = app(None, page="views/entry.py")
    assert len(at.get("download_button")) == 13  # a template per kind
    at.file_uploader(key="upload").set_value(("unknown_project.csv", BAD.read_bytes(), "text/csv")).run()
    assert at.error[0].value.startswith("发现 1 个问题，未写入任何数据")
    problems = at.dataframe[0].value
    assert problems.iloc[0]["行"] == 2 and "是否为“上海体育公共服务经费”" in problems.iloc[0]["原因"]
    assert not [b for b in at.button if b.key == "confirm"]
    assert counts(demo_db) == before


def test_entry_good_upload_changes_the_overview(demo_db):
    at = app("2020-02", page="views/entry.py")
    at.file_uploader(key="upload").set_value(("deliverables.csv", GOOD.read_bytes(), "text/csv")).run()
    assert "校验通过：产出数量，3 行" in at.success[0].value
    assert "将替换现有数据 3 行" in at.success[0].value
    at.button(key="confirm").click().run()
    assert any("已写入：3 行，替换 3 行" in s.value for s in at.success)
    overview = app("2020-02")
    # 党校微课堂 by February: 7 uploaded now (4 + 3) against the plan's 24 × 2/6 = 8 → 88%, on pace, but the
    # plan's remaining 40 would end the year at 47 of 48: yellow, never green while about to miss
    assert matrix_lights(overview)[("上海体育系统人员培训经费", "党校微课堂")] == "yellow"
    body = next(h.value for h in overview.html if 'id="pb-matrix"' in h.value)
    assert "截至2月完成7期" in body


def submit(at: AppTest, form: str) -> None:
    next(b for b in at.button if b.form_id == form).click().run()


def test_rating_form_writes_one_value(demo_db):
    at = app(None, page="views/entry.py")
    at.selectbox(key="form_project").set_value("上海市体育局信息技术保障经费").run()
    at.selectbox(key="form_indicator").set_value("工作完成及时性")
    at.selectbox(key="form_month").set_value("2020-09")
    at.selectbox(key="form_rating").set_value("部分达成")
    at.selectbox(key="form_likelihood").set_value("有可能")
    at.text_area(key="form_reason").input("人手不足")
    at.text_area(key="form_measures").input("增派人员")
    submit(at, "rating")
    assert at.success and at.success[-1].value == "已保存。"
    overview = app("2020-09")
    assert matrix_lights(overview)[("上海市体育局信息技术保障经费", "工作完成及时性")] == "yellow"


def test_rating_form_refuses_a_missing_reason(demo_db):
    at = app(None, page="views/entry.py")
    at.selectbox(key="form_likelihood").set_value("不可能")
    at.selectbox(key="form_rating").set_value("未达成")
    submit(at, "rating")
    assert at.error and "发现 1 个问题" in at.error[0].value


def test_exports_page_offers_status_files(demo_db):
    at = app("2020-06", page="views/exports.py")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 XLSX（灯为底色）"]


def test_exports_page_makes_the_forms(demo_db):

    at = app("2020-06", page="views/exports.py")
    at.button(key="prepare").click().run()
    assert not at.exception, at.exception
    download = [b for b in at.get("download_button") if b.label == "下载 ZIP"]
    assert download
    warnings = [w.value for w in at.warning]
    assert any("处为草稿，待填报人员确认或修改" in w for w in warnings)  # drafted 实际完成情况, not yet confirmed


def test_summary_form(demo_db):
    at = app(None, page="views/entry.py")
    at.selectbox(key="summary_project").set_value("上海体育宣传服务经费")
    at.text_area(key="summary_text").input("全年宣传任务完成")
    submit(at, "summary")
    assert at.success[-1].value == "已保存。"
