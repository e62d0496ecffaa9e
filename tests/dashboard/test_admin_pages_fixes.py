"""Admin pages in the reader's language, with names (issue 14): 审计 and 账号 translated, no None, no raw JSON,
project names for ids, 是/否; 阈值设置 in words; a page a role may not open says 无权访问."""

import pandas as pd
import pytest
from dash_helpers import app

from core import accounts
from core.settings import set_setting
from dashboard.admin_tables import accounts_table, audit_table, readable

NAMES = {3: "上海体育文史业务经费", 4: "上海体育系统人员培训经费"}


def test_audit_rows_read_as_words():
    rows = pd.DataFrame(
        {
            "happened_at": pd.to_datetime(["2020-07-01 09:30:12", "2020-07-01 10:00:00", "2020-07-02 08:00:00"]),
            "actor": ["demo-admin", "root", "demo-staff"],
            "action": ["account:assign", "config", "upload:budget"],
            "target": ["demo-staff", "budget.mode", "budget.csv"],
            "outcome": ["done", "done", "refused"],
            "before": ["[]", '"ratio"', None],
            "after": ["[3, 4]", '"gap"', None],
            "load_id": [None, None, 12],
        }
    )
    shown = audit_table(
        rows, "zh", NAMES, {"budget.mode": "预算执行灯：判断方式"}.get, {"ratio": "比值", "gap": "差距"}.get
    )
    assert list(shown.columns) == ["时间", "账号", "操作", "对象", "结果", "修改前 → 修改后", "写入编号"]
    assert shown.iloc[0].tolist() == [
        "2020-07-01 09:30",
        "demo-admin",
        "分配项目",
        "demo-staff",
        "完成",
        "无 → 上海体育文史业务经费、上海体育系统人员培训经费",
        "—",
    ]
    assert shown.iloc[1][["对象", "修改前 → 修改后"]].tolist() == ["预算执行灯：判断方式", "比值 → 差距"]
    assert shown.iloc[2][["操作", "结果", "修改前 → 修改后", "写入编号"]].tolist() == [
        "上传：预算执行",
        "拒绝",
        "—",
        "12",
    ]
    # a new account's role and a small upload's row read as words: 填报人员, the project's name, 2020年3月
    assert readable('{"role": "staff"}', "zh", NAMES) == "角色：填报人员"
    row = readable('[{"project_id": 3, "month": "2020-03-01", "count": 4}]', "zh", NAMES)
    assert row == "项目：上海体育文史业务经费，月份：2020年3月，数量：4"
    english = audit_table(rows, "en", NAMES)
    assert list(english.columns)[:3] == ["Time", "Account", "Action"] and english.iloc[2]["Outcome"] == "refused"


def test_accounts_rows_read_as_words():
    rows = pd.DataFrame(
        {
            "username": ["a", "b"],
            "role": ["staff", "admin"],
            "failed": [5, 0],
            "locked_until": [pd.Timestamp("2020-07-01 10:15"), None],
            "projects": [["上海体育文史业务经费"], []],
        }
    )
    shown = accounts_table(rows, "zh", now="2020-07-01 10:00")
    assert list(shown.columns) == ["账号", "角色", "负责项目", "连续登录失败次数", "已锁定", "锁定至"]
    assert shown.iloc[0].tolist() == ["a", "填报人员", "上海体育文史业务经费", 5, "是", "2020-07-01 10:15"]
    assert shown.iloc[1].tolist() == ["b", "管理员", "—", 0, "否", "—"]


def test_the_audit_and_accounts_pages_show_names_not_internals(demo_db):
    set_setting(demo_db, "budget", "mode", "gap", accounts.local_operator())
    at = app(None, page="views/audit.py")
    trail = at.dataframe[0].value
    assert "修改前 → 修改后" in trail.columns and "happened_at" not in trail.columns
    change = trail[trail["操作"] == "修改设置"].iloc[0]
    assert change["对象"] == "预算执行灯：判断方式"
    assert change["修改前 → 修改后"] == "比值：执行率 ÷ 时间进度 → 差距：执行率落后时间进度的百分点"
    text = trail.astype(str).to_string()
    assert "None" not in text and "nan" not in text and "{" not in text
    at.switch_page("views/accounts.py").run()
    table = at.dataframe[0].value
    assert table.set_index("账号").loc["demo-staff", "角色"] == "填报人员"
    assert set(table["已锁定"]) == {"否"}


def test_the_settings_page_names_each_setting_in_words(demo_db):
    at = app(None, page="views/settings.py")
    field = at.number_input(key="set_lights_accumulating_red_below")
    assert field.label.startswith("累计类指标：完成进度低于此值（%）为红灯")
    assert field.help.startswith("命令行中的设置名：")  # the key only as a hint for the command line
    mode = at.selectbox(key="set_budget_mode")
    assert mode.options == ["比值：执行率 ÷ 时间进度", "差距：执行率落后时间进度的百分点"]


@pytest.mark.parametrize(("user", "page"), [("demo-leader", "accounts"), ("demo-staff", "settings")])
def test_a_page_a_role_may_not_open_says_no_access(demo_db, user, page):
    at = app(None, user=user)
    at.switch_page("views/denied.py").run()  # registered at /accounts, /settings … for roles that may not use them
    assert at.title[0].value == "无权访问" and "无权访问此页面" in at.error[0].value
    english = app(None, user=user, lang="en")
    english.switch_page("views/denied.py").run()
    assert english.title[0].value == "No access"
