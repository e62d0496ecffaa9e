"""The pages under unit scoping and the monthly review (docs/domain.md §10): a unit's leader sees only their
unit, the 主管部门's leader every unit with a budget-weighted roll-up and a unit filter, and the overview
marks what is not yet approved (待审核) or shows approved months only."""

from __future__ import annotations

import duckdb
import pytest
import streamlit as st
from dash_helpers import app, matrix_lights
from unit_fixtures import three_units

from core import db
from metrics.review_state import Step

TRAINING, HISTORY = "上海体育系统人员培训经费", "上海体育文史业务经费"
UNIT_A = {TRAINING}


@pytest.fixture(scope="module")
def units_db(demo_template, tmp_path_factory):
    """Three units of 上海市体育局 (tests/unit_fixtures.py), built once for this module; the tests only read
    it (signing in adds a session row, nothing else)."""
    return three_units(demo_template, tmp_path_factory.mktemp("units-pages") / "units.duckdb")


@pytest.fixture
def units(units_db, monkeypatch):
    monkeypatch.setenv("PERFBOARD_DB", str(units_db))
    monkeypatch.setenv("PERFBOARD_USER", "tester")
    return units_db


def link_labels(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


def test_a_units_leader_sees_only_that_unit(units):
    at = app("2020-06", user="leader-a")
    assert at.metric[0].value == "1"  # 项目数: 甲单位's one project
    assert {p for p, _ in matrix_lights(at)} == UNIT_A
    assert not at.expander  # one unit: no unit rows
    assert not [s for s in at.selectbox if s.key == "unit"]  # and no unit filter

    at = app("2020-06", page="views/project.py", user="leader-a")
    assert at.selectbox(key="project").options == [TRAINING]

    at = app("2020-06", page="views/project.py", user="leader-a", project=HISTORY)  # 乙单位's, by URL
    assert [e.value for e in at.error] == ["无权访问：该项目不属于您所在的单位。"]
    assert not at.metric


def test_a_units_leader_downloads_only_that_units_status(units):
    at = app("2020-06", page="views/exports.py", user="leader-a")
    assert any("按单位导出表格尚不支持" in i.value for i in at.info)  # the whole-year bundles are not offered
    from core import accounts, db
    from dashboard import data

    with db.read_connection(units) as con:
        leader = accounts.actor(con, "leader-a")
    report = data.status(2020, 6, actor=leader)  # what the page's two downloads are written from
    assert [p.name for p in report.projects] == [TRAINING]


def test_the_departments_leader_sees_every_unit_rolled_up_by_budget(units):
    at = app("2020-06", user="leader-dept")
    assert at.metric[0].value == "5"
    labels = {e.label.split("）")[0].split(" ", 1)[1].split("（")[0]: e.label for e in at.expander}
    assert set(labels) == {"甲单位", "乙单位", "丙单位"}
    # 执行率 per unit at June = spending to date over budget (each project's rate weighted by its budget):
    #   甲: 437,400 / 2,187,000 = 20.0%
    #   乙: (4,318,440 + 3,465,000) / (35,987,000 + 7,700,000) = 7,783,440 / 43,687,000 = 17.8%
    #       (not the plain mean of 12.0% and 45.0%, 28.5%)
    #   丙: (1,400,400 + 855,715.92) / (3,890,000 + 2,150,040) = 2,256,115.92 / 6,040,040 = 37.4%
    # indicator lights: 甲 2 red; 乙 1 + 0 red, 7 + 2 yellow; 丙 0 red, 1 + 5 yellow
    assert "1 个项目 · 红灯指标 2个 · 黄灯指标 0个 · 执行率 20.0%" in labels["甲单位"]
    assert "2 个项目 · 红灯指标 1个 · 黄灯指标 9个 · 执行率 17.8%" in labels["乙单位"]
    assert "2 个项目 · 红灯指标 0个 · 黄灯指标 6个 · 执行率 37.4%" in labels["丙单位"]

    at.selectbox(key="unit").select("乙单位").run()  # the filter narrows to one unit
    assert not at.exception
    assert at.metric[0].value == "2"
    assert {p for p, _ in matrix_lights(at)} == {HISTORY, "上海体育宣传服务经费"}
    assert at.metric[1].value == "4,368.70万元"  # 当年预算（万元）: 43,687,000 / 10,000


def approve(path, months: list[int], names: list[str] | None = None) -> None:
    """Approve steps written straight into ``review_step`` (the review workflow is another module's)."""
    con = duckdb.connect(str(path))
    try:
        ids = [p for n, p in con.execute("SELECT name, project_id FROM project").fetchall() if not names or n in names]
        for p in ids:
            for m in months:
                con.execute(
                    "INSERT INTO review_step (step_id, project_id, month, action, actor) "
                    "VALUES (nextval('review_step_seq'), ?, ?, ?, 'demo-leader')",
                    [p, f"2020-{m:02d}-01", str(Step.APPROVE)],
                )
        db.bump_data_version(con)  # as every write does: the dashboard's caches key on the data version
        con.execute("CHECKPOINT")
    finally:
        con.close()
    st.cache_data.clear()  # the version itself is re-read every 2 s; do not wait for it


def test_unapproved_months_are_marked_and_the_mark_goes_once_approved(demo_db):
    at = app("2020-06")
    badged = {label for label in link_labels(at) if "待审核" in label}  # the wide links and the phone cards
    assert len(badged) == 5
    assert any("5 个项目的数据尚未审核" in c.value for c in at.caption)
    approve(demo_db, [6])
    at = app("2020-06")
    assert not [label for label in link_labels(at) if "待审核" in label]
    assert not [c for c in at.caption if "尚未审核" in c.value]


def test_approved_only_shows_each_projects_latest_approved_month(demo_db):
    may = matrix_lights(app("2020-05"))
    others = [n for n in {p for p, _ in may} if n != TRAINING]
    approve(demo_db, [4, 5], others)  # four projects approved to May; the training project never
    at = app("2020-06")
    at.toggle(key="approved_only").set_value(True).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "按已审核的最近月份（5月）显示" in captions
    assert f"尚无已审核的月份：{TRAINING}" in captions
    shown = matrix_lights(at)
    assert shown == {k: v for k, v in may.items() if k[0] != TRAINING}  # May's lights, not June's
    assert at.metric[0].value == "5"  # the unapproved project is still counted, with nothing spent


def test_the_admin_scopes_an_account_on_the_accounts_page(units_db, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "units.duckdb"
    shutil.copyfile(units_db, path)
    monkeypatch.setenv("PERFBOARD_DB", str(path))
    at = app(None, page="views/accounts.py", user="demo-admin")
    at.selectbox(key="unit_user").select("leader-a")
    at.selectbox(key="unit_scope").select(("上海市体育局", "乙单位"))
    next(b for b in at.button if b.proto.form_id == "assign_unit").click().run()
    assert not at.exception and not at.error
    con = duckdb.connect(str(path), read_only=True)
    try:
        scope = con.execute("SELECT department, unit FROM unit_assignment WHERE username = 'leader-a'").fetchall()
    finally:
        con.close()
    assert scope == [("上海市体育局", "乙单位")]
