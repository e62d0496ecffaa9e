"""The monthly cycle in a real browser (docs/domain.md §10): staff submit June, the leader returns it with a reason,
staff read the reason and submit again, the leader approves, and staff's upload for June is refused as locked.

The server runs with "today" pinned to 5 July 2020 (``PERFBOARD_TODAY``): June is the month being filed.  The
demo is loaded first (with the real clock: its later months are not "the future" then), 培训's June is made
open (no review step) and its red and yellow lights explained, so submitting it is allowed.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser_helpers import DEMO_PASSWORD, served, sign_in
from playwright.sync_api import expect

from core import accounts, db
from core.config import load_config
from ingest.actuals import ingest_actuals
from ingest.demo_load import load_demo
from metrics.explanations import missing_explanations

TRAINING = "上海体育系统人员培训经费"
REASON = "请补充6月党校干部培训延期的安排"


@pytest.fixture(scope="module")
def cycle_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycle-browser")
    path = folder / "cycle.duckdb"
    db.init(path)
    with db.read_connection(path) as con:
        config = load_config(con)
    load_demo(path, config)
    accounts.ensure_demo_accounts(path, DEMO_PASSWORD)
    with db.write_transaction(path) as con:
        (pid,) = con.execute("SELECT project_id FROM project WHERE name = ? AND year = 2020", [TRAINING]).fetchone()
        con.execute("DELETE FROM review_step WHERE project_id = ? AND month = DATE '2020-06-01'", [pid])
    with db.read_connection(path) as con:
        lacking = missing_explanations(con, config, 2020, 6, [pid]).get(pid, [])
    if lacking:
        reasons = folder / "reasons.csv"
        rows = "".join(
            f"{TRAINING},{m.indicator},2020-06,有可能,疫情期间暂停集中培训,下半年集中办班\n" for m in lacking
        )
        reasons.write_text("项目名称,三级指标,月份,完成目标可能性,偏差原因,纠偏措施\n" + rows, encoding="utf-8")
        ingest_actuals([reasons], path)
    env = {"PERFBOARD_USER": "browser-test", "PERFBOARD_DEMO_PASSWORD": DEMO_PASSWORD, "PERFBOARD_TODAY": "2020-07-05"}
    with served(path, env) as url:
        yield url, path


def signed_in(browser, server: str, user: str):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    sign_in(page, server, user)
    return page


def open_june(page, server: str) -> None:
    page.goto(f"{server}/review?project={quote(TRAINING)}&month=2020-06")
    page.wait_for_selector(f'h3:has-text("{TRAINING} · 2020年6月")')


def click(page, name: str, done: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_selector(f"text={done}")


def test_submit_return_resubmit_approve_then_the_upload_is_refused(cycle_server, browser, tmp_path):
    cycle_server, path = cycle_server
    staff = signed_in(browser, cycle_server, "demo-staff")
    leader = signed_in(browser, cycle_server, "demo-leader")

    open_june(staff, cycle_server)
    staff.wait_for_selector("text=应报数据已齐，可以提交。")
    click(staff, "提交", "提交完成：现为“已提交待审核”。")

    open_june(leader, cycle_server)
    leader.get_by_label("退回原因（必填）").fill(REASON)
    click(leader, "退回", "退回完成：现为“已退回”。")

    open_june(staff, cycle_server)  # the reason, prominently, where staff submit
    alert = staff.locator('[data-testid="stAlertContentError"]', has_text=REASON)
    assert "demo-leader" in alert.inner_text() and "退回" in alert.inner_text()
    click(staff, "提交", "提交完成：现为“已提交待审核”。")

    open_june(leader, cycle_server)
    click(leader, "审核通过", "审核通过完成：现为“已审核”。")
    assert leader.get_by_role("button", name="解锁").count() == 0  # only admins unlock

    budget = tmp_path / "june_budget.csv"
    budget.write_text(f"项目名称,月份,当月支出（元）\n{TRAINING},2020-06,50000\n", encoding="utf-8")
    staff.goto(f"{cycle_server}/entry")
    staff.wait_for_selector("text=下载模板")
    field = staff.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    field.wait_for(state="attached")
    staff.wait_for_timeout(1000)  # a file set before the widget is wired up is dropped
    field.set_input_files(str(budget))
    # refused before 校验通过, in a sentence naming the month and who approved it; no button to confirm
    staff.wait_for_selector("text=发现 1 个问题，未写入任何数据")
    expect(staff.get_by_text("2020年6月已由 demo-leader")).to_be_visible()
    expect(staff.get_by_text("审核通过并锁定", exact=False)).to_be_visible()
    expect(staff.get_by_role("button", name="确认写入")).to_have_count(0)
    with db.read_connection(path) as con:
        june = con.execute(
            "SELECT b.spent FROM budget_month b JOIN project p USING (project_id) "
            "WHERE p.name = ? AND b.month = DATE '2020-06-01' AND b.replaced_by IS NULL",
            [TRAINING],
        ).fetchall()
    assert len(june) == 1 and float(june[0][0]) != 50000
    staff.context.close()
    leader.context.close()
