"""The monthly cycle on the pages (docs/domain.md §10): 填报进度's grid, 月度报送's steps by role, the staff to-do.

The demo database, "today" pinned to 15 July 2020 (``PERFBOARD_TODAY``): June's deadline (10 July) has passed.
文史 (上海体育文史业务经费, assigned to demo-staff) has its June museum visitors removed: that stream is 逾期, and
its June cannot be submitted until the row is back and every red or yellow light of June is explained.
"""

from __future__ import annotations

import duckdb
import pytest
import streamlit as st
from dash_helpers import APP, app, token_for
from streamlit.testing.v1 import AppTest

from core.config import load_config
from core.db import read_connection
from ingest.actuals import ingest_actuals
from metrics.explanations import missing_explanations
from metrics.review_state import month_states

WENSHI = "上海体育文史业务经费"
JUNE = "2020-06"


@pytest.fixture
def june_open(demo_db, monkeypatch):
    """文史's June without its visitors row and without any review step (whatever the demo's history)."""
    monkeypatch.setenv("PERFBOARD_TODAY", "2020-07-15")
    con = duckdb.connect(str(demo_db))
    try:
        (pid,) = con.execute("SELECT project_id FROM project WHERE name = ? AND year = 2020", [WENSHI]).fetchone()
        con.execute("DELETE FROM visitors_month WHERE project_id = ? AND month = DATE '2020-06-01'", [pid])
        con.execute("DELETE FROM review_step WHERE project_id = ? AND month = DATE '2020-06-01'", [pid])
    finally:
        con.close()
    return pid


def fill_june(db, folder) -> None:
    """Put the visitors row back, then explain each red or yellow light of 文史's June (as staff would)."""
    visitors, reasons = folder / "visitors.csv", folder / "reasons.csv"
    visitors.write_text(f"项目名称,月份,参观人数,参观次数\n{WENSHI},{JUNE},0,0\n", encoding="utf-8")
    ingest_actuals([visitors], db)  # first: the year-on-year visitors light is judged from it
    with read_connection(db) as con:
        (pid,) = con.execute("SELECT project_id FROM project WHERE name = ? AND year = 2020", [WENSHI]).fetchone()
        lacking = missing_explanations(con, load_config(con), 2020, 6, [pid]).get(pid, [])
    if lacking:
        rows = [f"{WENSHI},{m.indicator},{JUNE},有可能,闭馆期间参观暂停,复馆后加强线上宣传\n" for m in lacking]
        reasons.write_text("项目名称,三级指标,月份,完成目标可能性,偏差原因,纠偏措施\n" + "".join(rows), "utf-8")
        ingest_actuals([reasons], db)
    st.cache_data.clear()  # written outside the page: do not wait for the dashboard's 2 s re-read of the version


def state(db, pid: int) -> tuple:
    with read_connection(db) as con:
        rows = month_states(con, 2020, [pid])
    june = rows[rows["month"].astype(str) == "2020-06-01"]
    return tuple(june.iloc[0][["state", "actor", "reason"]]) if len(june) else ("open", None, None)


def texts_of(shown) -> str:
    """Markdown as read, not as escaped (``dashboard.render.plain`` backslash-escapes punctuation)."""
    return str(shown).replace("\\", "").replace("\u2060", "")


def texts(at) -> str:
    """Every message and markdown shown (errors, warnings, infos, successes, markdown, captions)."""
    kinds = ("error", "warning", "info", "success", "markdown", "caption")
    return texts_of("\n".join(str(e.value) for kind in kinds for e in getattr(at, kind)))


def page(user: str, path: str = "views/review.py", **params) -> AppTest:
    """A signed-in run straight onto ``path`` (not through the overview first: quicker)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["pb_token"] = token_for(user)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def review(user: str) -> AppTest:
    return page(user, project=WENSHI, month=JUNE)


def button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_grid_shows_late_for_a_missing_stream_after_its_deadline(june_open):
    at = page("demo-leader", "views/cycle.py")
    body = next(h.value for h in at.html if 'id="pb-cycle"' in h.value)
    # months 1–7 shown (today is in July); 文史's June visitors are missing and due by 10 July: 逾期
    assert 'data-month="2020-07"' in body
    cell = f'data-project="{WENSHI}" data-stream="visitors" data-month="2020-06" data-state="late"'
    assert cell in body and "逾期" in body
    # its May visitors are there: filed (or approved, if the demo's history approved May)
    may = body.split(f'data-project="{WENSHI}" data-stream="visitors" data-month="2020-05" data-state="')[1]
    assert may.split('"')[0] in ("filed", "approved")
    assert "各项目按时报送率" in texts(at) or any("按时率" in str(d.value.columns) for d in at.dataframe)


def test_staff_submit_refused_with_the_missing_list_then_accepted(june_open, demo_db, tmp_path):
    at = review("demo-staff")
    shown = texts(at)
    assert "尚不能提交，还缺：" in shown and "博物馆参观" in shown
    assert button(at, "review_submit").disabled
    assert not [b for b in at.button if b.key in ("review_approve", "review_return", "review_unlock")]
    fill_june(demo_db, tmp_path)
    at.run()
    assert "应报数据已齐，可以提交。" in texts(at)
    button(at, "review_submit").click().run()
    assert not at.exception
    assert "提交完成：现为“已提交待审核”。" in texts(at)
    assert state(demo_db, june_open)[:2] == ("submitted", "demo-staff")


def test_leader_returns_with_a_reason_staff_sees_it_then_approve_and_unlock_for_admins_only(
    june_open, demo_db, tmp_path
):
    fill_june(demo_db, tmp_path)
    staff = review("demo-staff")
    button(staff, "review_submit").click().run()
    leader = review("demo-leader")
    assert "待审核" in " ".join(e.label for e in leader.expander)
    button(leader, "review_return").click().run()  # no reason: refused, in Chinese, nothing written
    assert "须填写原因" in texts(leader) and not leader.exception
    assert state(demo_db, june_open)[0] == "submitted"
    leader.text_area(key="review_return_reason").input("请补充6月闭馆期间的线上活动数据")
    button(leader, "review_return").click().run()
    assert state(demo_db, june_open) == ("returned", "demo-leader", "请补充6月闭馆期间的线上活动数据")

    staff.run()
    assert any("请补充6月闭馆期间的线上活动数据" in e.value and "退回" in e.value for e in staff.error)
    landing = app(JUNE, user="demo-staff")  # the to-do above the page staff land on
    assert any("已退回" in e.value and "请补充6月闭馆期间的线上活动数据" in e.value for e in landing.error)
    button(staff, "review_submit").click().run()

    leader.run()
    button(leader, "review_approve").click().run()
    assert state(demo_db, june_open)[:2] == ("approved", "demo-leader")
    assert "已由 demo-leader 于" in texts(leader) and "审核通过并锁定" in texts(leader)
    assert not [b for b in leader.button if b.key == "review_unlock"]  # a leader is not offered 解锁
    staff.run()
    assert not [b for b in staff.button if b.key.startswith("review_")]

    admin = review("demo-admin")
    admin.text_area(key="review_unlock_reason").input("6月参观人数更正")
    button(admin, "review_unlock").click().run()
    assert state(demo_db, june_open) == ("open", "demo-admin", "6月参观人数更正")


def test_english_labels(june_open):
    at = page("demo-admin", "views/cycle.py", lang="en")
    body = next(h.value for h in at.html if 'id="pb-cycle"' in h.value)
    assert ">late<" in body and "museum visitors" in body and "逾期" not in body


def test_staff_land_on_their_to_do(june_open, monkeypatch):
    monkeypatch.setenv("PERFBOARD_TODAY", "2020-07-05")  # June is being filed: due by 10 July, not yet late
    landing = app(JUNE, user="demo-staff")
    assert any(
        f"本月需填报：{WENSHI}（2020年6月）博物馆参观，截止 2020-07-10" in texts_of(e.value) for e in landing.info
    )
    assert any(link.label == "前往月度报送" for link in landing.get("page_link"))
    monkeypatch.setenv("PERFBOARD_TODAY", "2020-07-15")
    landing = app(JUNE, user="demo-staff", lang="en")
    assert any("Overdue: 上海体育文史业务经费 (2020-06) museum visitors" in texts_of(e.value) for e in landing.error)
    leader = app(JUNE, user="demo-leader")  # leaders get no to-do
    assert not leader.info and not [e for e in leader.error if "我的待办" in e.value]
