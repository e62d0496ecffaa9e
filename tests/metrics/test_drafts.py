"""The year-end 实际完成情况 drafted from December's status (metrics/drafts.py): its figures are the status report's.

Each test reads the same indicator from ``perfboard status --month 2020-12 --format json`` and checks that the draft
prints the same numbers, formatted by core.numbers.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from helpers import run_cli

from core import db
from core.config import load_config
from metrics.drafts import year_end_texts
from metrics.forms import self_evaluations

MUSEUM = "上海体育文史业务经费"
TRAINING = "上海体育系统人员培训经费"
PUBLICITY = "上海体育宣传服务经费"
SERVICE = "上海体育公共服务经费"


@pytest.fixture(scope="module")
def drafted(demo_template):
    with db.read_connection(demo_template) as con:
        found = year_end_texts(con, load_config(con), 2020)
    return {(p.name, i.name): i for p in found for i in p.indicators}, {p.name: p for p in found}


@pytest.fixture(scope="module")
def december(demo_template):
    out = run_cli("status", "--month", "2020-12", "--format", "json", db=demo_template, check=True)
    report = json.loads(out.stdout)
    return {(p["name"], i["name"]): i for p in report["projects"] for i in p["indicators"]}


def test_a_count(drafted, december):
    # status: 党校微课堂 actual 50 (期), target >=48期, green at December → achieved
    shown = december[(TRAINING, "党校微课堂")]
    assert (shown["actual"], shown["status"]) == (50.0, "green")
    item = drafted[0][(TRAINING, "党校微课堂")]
    assert item.draft == "全年完成党校微课堂50期，达到年度目标（目标≥48期）"
    assert item.is_draft and item.text == item.draft


def test_a_rate(drafted, december):
    # status: 处理12345热线工单办结率 actual 95.23 (1197 of 1257 = 95.2267 %), shown with one decimal: 95.2%
    shown = december[(SERVICE, "处理12345热线工单办结率")]
    assert shown["actual"] == 95.23 and shown["status"] == "green"
    assert (
        drafted[0][(SERVICE, "处理12345热线工单办结率")].draft
        == "处理12345热线工单办结率95.2%，达到年度目标（目标≥95%）"
    )


def test_a_year_on_year_indicator(drafted, december):
    # status: visitors 10,800 against 139,500 a year before: 10800 / 139500 − 1 = −0.92258 → 下降92.3%; red → missed
    name = "提升博物馆的社会知名度，让公众进一步了解上海体育历史"
    shown = december[(MUSEUM, name)]
    assert (shown["actual"], shown["expected"], shown["status"]) == (10800, 139500, "red")
    assert drafted[0][(MUSEUM, name)].draft == "参观人数10,800人次，同比下降92.3%（上年139,500人次），未达到年度目标"


def test_a_budget_indicator(drafted, december):
    # status: 预算执行率 97.0 (7,469,000 ÷ 7,700,000 = 0.97), target >=95%, green → achieved
    shown = december[(PUBLICITY, "预算执行率")]
    assert (shown["actual"], shown["status"]) == (97.0, "green")
    assert drafted[0][(PUBLICITY, "预算执行率")].draft == "预算执行率97%，达到年度目标（目标≥95%）"


def test_durations_and_ratings(drafted):
    # the slowest of 53 reports took 1.3667 h = 82 min → 1小时22分; 52 within the hour
    assert drafted[0][(PUBLICITY, "宣传服务经费")].draft == (
        "全年舆情53起，52起在1小时内上报，最长1小时22分，未达到年度目标"
    )
    assert drafted[0][(MUSEUM, "藏品收购时间计划")].draft.startswith(
        "藏品收购时间计划评定为“部分达成”，部分达到年度目标"
    )


def test_every_form_indicator_is_drafted(drafted):
    # the demo's table indicators: 5 + 5 + 10 + 6 + 5 = 31 (the plan's own targets are not on the form)
    by_indicator, by_project = drafted
    assert len(by_indicator) == 31 and all(item.draft for item in by_indicator.values())
    assert all(not p.summary_is_draft for p in by_project.values())  # the demo's staff wrote every summary


def test_the_summary_is_drafted_from_the_indicators(drafted):
    # 33,467,910 ÷ 34,000,000 = 98.4%; 10 indicators, 6 green, 4 yellow or red (收购, 时间计划, 参观, 影响力)
    museum = drafted[1][MUSEUM]
    assert museum.summary_draft.startswith("全年预算执行率98.4%；10项绩效指标中6项达到年度目标，4项未完全达到：")
    assert "参观人数10,800人次，同比下降92.3%" in museum.summary_draft


def test_the_budgets_reasons_reach_the_self_evaluation(demo_copy):
    # 宣传服务经费 spent 7,469,000 of 7,700,000 (97%): the reason given with December's spending is printed under
    # the form (the 项目资金 block has no column for it)
    con = duckdb.connect(str(demo_copy))
    try:
        con.execute(
            "UPDATE budget_month SET reason = '年末部分合同尚未结算', measures = '次年初完成结算' "
            "WHERE project_id = (SELECT project_id FROM project WHERE name = ?) AND month = DATE '2020-12-01' "
            "AND replaced_by IS NULL",
            [PUBLICITY],
        )
    finally:
        con.close()
    with db.read_connection(demo_copy) as con:
        (form,) = self_evaluations(con, load_config(con), 2020, PUBLICITY)
    assert "预算执行偏差原因分析及改进措施：年末部分合同尚未结算；次年初完成结算" in form.notes
