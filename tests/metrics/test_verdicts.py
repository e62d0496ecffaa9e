"""Verdicts a budget expert would sign (docs/rules.md, 共同原则): as of means as of, no green about to
miss, the final month judges achievement, the plan's own targets, scaled plans, year-end texts."""

from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
import pytest
from helpers import upload

from core.config import SharePolicy, load_config
from core.db import write_transaction
from ingest.bindings import store_bindings
from ingest.problems import ValidationFailed
from metrics.forms import self_evaluations
from metrics.lights import Achieved, ShortDays
from metrics.measures import HOTLINE, run
from metrics.rules.base import no_green_at_risk
from metrics.summary_check import typed_mismatches

CFG = load_config()
PROJECT = "上海体育公共服务经费"


def hotline(db, month: int) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = run(con, HOTLINE, 2020, month, CFG).iloc[0]
    finally:
        con.close()
    return {k: row[k] for k in ("received", "accepted", "accepted_on_time", "closed")}


# -- as of means as of ------------------------------------------------------------------------------
def test_a_ticket_closed_after_the_month_end_is_open_in_that_month(db, tmp_path):
    upload(
        db,
        tmp_path,
        "tickets.csv",
        "工单编号,项目名称,派单时间,接单时间,接单时限,办结时间,工单状态\n"
        f"A,{PROJECT},2020-06-10 09:00,2020-06-10 10:00,,2020-06-12 10:00,已办结\n"
        # received 30 June, closed 2 July: open in June's rate, closed in July's
        f"B,{PROJECT},2020-06-30 10:00,2020-06-30 11:00,,2020-07-02 09:00,已办结\n"
        # received late on 30 June, accepted after midnight (within its 24 hours): not yet accepted in June
        f"C,{PROJECT},2020-06-30 23:00,2020-07-01 00:30,,,处理中\n"
        f"D,{PROJECT},2020-07-05 09:00,2020-07-05 09:30,,,已办结\n",
    )
    assert hotline(db, 6) == {"received": 3, "accepted": 2, "accepted_on_time": 2, "closed": 1}
    # July: B closed on 2 July, C accepted on 1 July; D is closed by its state alone, and the export
    # reaches July, so by the end of July it is known to be closed
    assert hotline(db, 7) == {"received": 4, "accepted": 4, "accepted_on_time": 4, "closed": 3}


def test_a_closed_state_without_a_time_counts_from_the_exports_last_month(db, tmp_path):
    upload(
        db,
        tmp_path,
        "tickets.csv",
        "工单编号,项目名称,派单时间,接单时间,接单时限,办结时间,工单状态\n"
        f"A,{PROJECT},2020-06-10 09:00,2020-06-10 10:00,,,已办结\n"
        f"B,{PROJECT},2020-07-10 09:00,2020-07-10 10:00,,,处理中\n",
    )
    assert hotline(db, 6)["closed"] == 0  # the export was taken after June: not known by 30 June
    assert hotline(db, 7)["closed"] == 1


def test_a_monthly_report_states_the_closures_made_within_its_month(db, tmp_path):
    head = "项目名称,月份,受理工单数,接单数,按期接单数,办结数\n"
    # June: 10 received, 8 closed in June; July: 5 received, 7 closed in July (two of June's backlog)
    upload(db, tmp_path, "month.csv", head + f"{PROJECT},2020-06,10,10,10,8\n{PROJECT},2020-07,5,5,5,7\n")
    assert hotline(db, 7) == {"received": 15, "accepted": 15, "accepted_on_time": 15, "closed": 15}
    # but never more closed to date than received to date: 15 + 9 > 15 + 8
    with pytest.raises(ValidationFailed) as refused:
        upload(db, tmp_path, "aug.csv", head + f"{PROJECT},2020-08,8,8,8,9\n")
    assert "截至本月累计“办结数”（24）超过累计“受理工单数”（23）" in refused.value.problems[0].reason()


# -- bands: the final month, and no green at risk ---------------------------------------------------
def test_the_final_month_judges_achievement():
    bands = Achieved.of(CFG)  # red below 60, yellow below 100, green below 120, blue from 120
    assert list(bands.classify([59.9, 60, 92, 99.99, 100, 119, 120])) == [
        "red",
        "yellow",
        "yellow",
        "yellow",
        "green",
        "green",
        "blue",
    ]
    # during the year up to 3 short days are yellow; at December one short day is red
    assert list(ShortDays.of(CFG).classify([0, 1, 3, 4])) == ["green", "yellow", "yellow", "red"]
    assert list(ShortDays.final(CFG).classify([0, 1, 3])) == ["green", "red", "red"]


def test_a_green_at_risk_turns_yellow_and_keeps_its_band():
    out = pd.DataFrame({"status": ["green", "green", "yellow", "blue"], "at_risk": [True, False, True, True]})
    out = no_green_at_risk(out)
    assert list(out["status"]) == ["yellow", "green", "yellow", "blue"]
    assert list(out["demoted"]) == [True, False, False, False]
    assert out["judged_status"].iloc[0] == "green"


# -- phased plans and the plan's own targets --------------------------------------------------------
def _bindings(tmp_path, text: str):
    path = tmp_path / "bindings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plan_that_disagrees_with_the_table_is_scaled_and_said(db, tmp_path):
    path = _bindings(
        tmp_path,
        '[[binding]]\nproject = "上海体育系统人员培训经费"\nindicator = "党校微课堂"\nrule = "deliverable_count"\n'
        'item = "党校微课堂"\nplan = { 3 = 8, 6 = 20, 12 = 40 }\n',
    )
    with write_transaction(db) as con:
        done = store_bindings(con, path, 2020)
        (plan,) = con.execute(
            "SELECT plan FROM binding JOIN indicator USING (indicator_id) WHERE level3 = '党校微课堂'"
        ).fetchone()
    assert (done.bound, done.plan_targets) == (1, 0)
    assert plan == '{"3": 9.6, "6": 24.0, "12": 48.0}'  # × 48/40
    assert done.warnings[0][0] == (
        "项目“上海体育系统人员培训经费”指标“党校微课堂”：分阶段计划全年合计40，与目标表的48不一致，"
        "已按目标表等比例换算为 3月9.6，6月24，12月48"
    )


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ('project = "没有的项目"\nindicator = "x"\ntarget = ">=99%"\nrule = "hotline_ontime_rate"', "no project"),
        (f'project = "{PROJECT}"\nindicator = "x"\ntarget = "及时"\nrule = "hotline_ontime_rate"', "a number"),
        (
            f'project = "{PROJECT}"\nindicator = "预算执行率"\ntarget = ">=99%"\nrule = "hotline_ontime_rate"',
            "not already in the target table",
        ),
        (
            f'project = "{PROJECT}"\nindicator = "x"\ntarget = ">=99%"\nrule = "value_latest"\neach_month = true',
            "cannot be judged each month",
        ),
    ],
)
def test_a_plan_target_that_does_not_fit_is_refused(db, tmp_path, entry, says):
    path = _bindings(tmp_path, "[[plan_target]]\n" + entry + "\n")
    with pytest.raises(ValidationFailed) as refused, write_transaction(db) as con:
        store_bindings(con, path, 2020)
    assert says in refused.value.problems[0].reason("en")


# -- year-end texts -----------------------------------------------------------------------------------
KNOWN = {"接单率": (100.0, "%"), "按期接单率": (99.2, "%"), "办结率": (95.23, "%"), "等保测评评分": (86.0, "分")}


def test_typed_figures_are_compared_with_the_data():
    text = "接单率100%，按期接单率99.4%，办结率95.2%；等保测评得分87分，举办培训2期。"
    assert typed_mismatches(text, KNOWN) == [
        "实际完成情况写“按期接单率99.4%”，数据为99.20%（按期接单率），相差0.20个百分点，请核对后再定稿",
        "实际完成情况写“等保测评得分87分”，数据为86.00分（等保测评评分），相差1.00分，请核对后再定稿",
    ]  # 95.2 against 95.23 is within 0.1; 2期 names nothing the data measure
    assert typed_mismatches("按期接单率99.3%", KNOWN) == []  # 0.1 exactly is within


def test_share_based_indicators_score_by_the_policy(db, tmp_path):
    rows = ["项目名称,日期,监控时长（小时）"]
    day = pd.Timestamp("2020-01-01")
    while day.year == 2020:  # 366 days, 3 of them short
        short = day in (pd.Timestamp("2020-01-25"), pd.Timestamp("2020-01-26"), pd.Timestamp("2020-01-27"))
        rows.append(f"上海体育宣传服务经费,{day:%Y-%m-%d},{12 if short else 15}")
        day += pd.Timedelta(days=1)
    upload(db, tmp_path, "hours.csv", "\n".join(rows) + "\n")
    share = replace(CFG, scoring=replace(CFG.scoring, share_policy=SharePolicy.SHARE))
    con = duckdb.connect(str(db), read_only=True)
    try:
        worst, by_share = (
            next(f for f in self_evaluations(con, c, 2020) if f.name == "上海体育宣传服务经费") for c in (CFG, share)
        )
    finally:
        con.close()
    worst_row = next(i for i in worst.indicators if i.level3 == "宣传服务")
    share_row = next(i for i in by_share.indicators if i.level3 == "宣传服务")
    assert worst_row.weight == share_row.weight == 16.88
    # worst case: the shortest day against the minimum, as an "at least" target: 16.88 × 12/14 = 14.468… → 14.47
    assert worst_row.score == 14.47
    # share: 363 of 366 days complied → 16.88 × 363/366 = 16.7416… → 16.74
    assert share_row.score == 16.74
    assert np.isclose(16.88 * 363 / 366, 16.7416, atol=1e-4)
