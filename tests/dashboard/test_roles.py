"""Signing in and what each role sees and may do, through AppTest."""

import duckdb
import pytest
from dash_helpers import APP, PASSWORD, app, matrix_lights
from helpers import DATA
from streamlit.testing.v1 import AppTest


def anonymous() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def shown_html(at) -> list[str]:
    """HTML the page shows (the sign-in page carries only a style rule hiding its chart-library preload)."""
    return [h.value for h in at.html if not h.value.strip().startswith("<style>")]


def test_nothing_before_signing_in(demo_db):
    at = anonymous()
    assert at.title[0].value == "财政项目支出绩效监控"
    assert not shown_html(at) and not at.metric  # no lights, no figures
    with pytest.raises(ValueError):
        at.switch_page("views/overview.py")


def test_sign_in_wrong_then_right_then_out(demo_db):
    at = anonymous()
    at.text_input(key="login_user").input("demo-leader")
    at.text_input(key="login_password").input("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "登录失败：账号或密码错误，或该账号因多次失败已被暂时锁定。请稍后再试。"
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.title[0].value == "总览" and matrix_lights(at)
    at.button(key="sign_out").click().run()
    assert at.title[0].value == "财政项目支出绩效监控" and not shown_html(at)


def test_leader_has_no_data_entry(demo_db):
    at = app("2020-06", user="demo-leader")
    with pytest.raises(ValueError):
        at.switch_page("views/entry.py")
    with pytest.raises(ValueError):
        at.switch_page("views/accounts.py")
    at.switch_page("views/exports.py").run()
    assert not at.exception
    assert at.checkbox(key="final").disabled  # freezing the year is the admin's


def test_staff_uploads_for_assigned_projects_only(demo_db):
    at = app(None, page="views/entry.py", user="demo-staff")
    good = (DATA / "actuals" / "deliverables.csv").read_bytes()  # 上海体育系统人员培训经费: assigned
    at.file_uploader(key="upload").set_value(("deliverables.csv", good, "text/csv")).run()
    at.button(key="confirm").click().run()
    assert any("已写入：3 行" in s.value for s in at.success)
    bad = (DATA / "actuals" / "budget.csv").read_bytes()  # other projects
    at.file_uploader(key="upload").set_value(("budget.csv", bad, "text/csv")).run()
    # refused before 校验通过, naming the projects (issue 14); no confirm button, nothing tried, nothing written
    assert "上海体育公共服务经费" in at.error[0].value and "上海体育宣传服务经费" in at.error[0].value
    assert not [b for b in at.button if b.key == "confirm"]
    con = duckdb.connect(str(demo_db), read_only=True)
    loads = con.execute("SELECT count(*) FROM load_log WHERE file_name = 'budget.csv'").fetchone()
    con.close()
    assert loads == (0,)


def test_admin_manages_accounts_and_sees_the_audit(demo_db):
    at = app(None, page="views/accounts.py")
    assert set(at.dataframe[0].value["账号"]) == {"demo-admin", "demo-leader", "demo-staff"}
    at.text_input(key="new_user").input("zhang.san")
    at.selectbox(key="new_role").set_value("staff")
    at.text_input(key="new_password").input("another-password")
    next(b for b in at.button if b.form_id == "add_user").click().run()
    assert at.success[-1].value == "已保存。"
    assert "zhang.san" in set(at.dataframe[0].value["账号"])
    at.switch_page("views/audit.py").run()
    actions = set(at.dataframe[0].value["操作"])  # in words (dashboard.admin_tables)
    assert {"新建账号", "登录"} <= actions


def test_value_history_and_revert_on_the_project_page(demo_db):
    at = app("2020-12", page="views/project.py", user="demo-staff", project="上海体育系统人员培训经费")
    at.selectbox(key="history_indicator").set_value("教练员岗位培训").run()
    history = at.dataframe[0].value
    assert list(history["评级"][:2]) == ["部分达成", "未达成"]  # stored as partial, missed
    assert at.button(key="revert")  # staff may undo corrections of an assigned project
    other = app("2020-12", page="views/project.py", user="demo-staff", project="上海体育公共服务经费")
    assert not [b for b in other.button if b.key == "revert"]


def test_admin_changes_a_threshold_on_the_settings_page(demo_db):
    at = app(None, page="views/settings.py")
    at.number_input(key="set_lights_accumulating_blue_from").set_value(140.0)
    next(b for b in at.button if b.form_id == "settings").click().run()
    assert at.success[-1].value == "已保存。"
    overview = app("2020-06")
    assert matrix_lights(overview)[("上海体育系统人员培训经费", "党校微课堂")] == "green"  # 130% is no longer blue
    staff = app("2020-06", user="demo-staff")
    with pytest.raises(ValueError):
        staff.switch_page("views/settings.py")
