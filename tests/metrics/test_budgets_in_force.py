"""Budgets and targets as they change during the year (docs/domain.md §8): adjustments, target revisions
and cumulative figures, each judged with numbers worked out by hand."""

import csv
import json
from dataclasses import replace

import duckdb
import pytest
from helpers import run_cli, upload

from core.config import BudgetMode, load_config
from ingest.problems import ValidationFailed
from ingest.target_store import load_targets
from metrics.status import compute_status

CFG = load_config()
IT, HOTLINE = "上海市体育局信息技术保障经费", "上海体育公共服务经费"


def report(db, month: int, config=CFG):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return compute_status(con, config, 2020, month)
    finally:
        con.close()


def project(db, name: str, month: int, config=CFG):
    return next(p for p in report(db, month, config).projects if p.name == name)


def monthly_budget(name: str, amount: float, months=range(1, 13)) -> str:
    return "项目名称,月份,当月支出（元）\n" + "".join(f"{name},2020-{m:02d},{amount:.2f}\n" for m in months)


# -- 预算调整 ------------------------------------------------------------------------------------------
def test_an_adjustment_changes_the_rate_from_its_month_on(db, tmp_path):
    upload(db, tmp_path, "b.csv", monthly_budget(IT, 240000))
    head = "项目名称,生效月份,调整后预算数（元）,调整原因,批准文号\n"
    upload(db, tmp_path, "a.csv", head + f"{IT},2020-07,3500000,网站改版推迟，部分经费收回,沪体财〔2020〕12号\n")
    june, july = project(db, IT, 6), project(db, IT, 7)
    # June: 1,440,000 of the 3,890,000 filed = 37.02%, against time progress 50% → 74.0%: yellow, untouched
    assert (june.budget, june.execution_rate, june.budget_status) == (3890000.0, 0.3702, "yellow")
    assert june.adjustments == ()
    # July: 1,680,000 of the adjusted 3,500,000 = 48%, against 58.33% → 82.3%: green (43.19% → 74% without it)
    assert (july.budget, july.budget_initial, july.execution_rate, july.budget_status) == (
        3500000.0,
        3890000.0,
        0.48,
        "green",
    )
    assert july.budget_explanation.endswith("执行率÷时间进度=82.3%，≥80%为绿灯（按7月调整后预算3,500,000.00元计）")
    assert [dict(a) for a in july.adjustments] == [
        {
            "month": "2020-07",
            "before": 3890000.0,
            "budget": 3500000.0,
            "reason": "网站改版推迟，部分经费收回",
            "approval": "沪体财〔2020〕12号",
        }
    ]
    status = json.loads(run_cli("status", "--month", "2020-12", "--format", "json", db=db, check=True).stdout)
    it = next(p for p in status["projects"] if p["name"] == IT)
    assert (it["budget"], it["budget_initial"], it["budget_in_force"]) == (3500000.0, 3890000.0, 3500000.0)
    assert it["adjustments"][0]["month"] == "2020-07"


def test_an_adjustment_below_what_was_spent_is_refused(db, tmp_path):
    upload(db, tmp_path, "b.csv", monthly_budget(IT, 240000))
    head = "项目名称,生效月份,调整后预算数（元）,调整原因\n"
    with pytest.raises(ValidationFailed) as refused:
        upload(db, tmp_path, "a.csv", head + f"{IT},2020-07,1000000,收回\n{IT},2020-08,0,收回\n")
    reasons = [p.reason() for p in refused.value.problems]
    # by July 7 × 240,000 = 1,680,000 was spent
    assert reasons == ["调整后预算数“1000000”低于截至该月的累计支出 1,680,000.00 元", "调整后预算数应大于0"]


# -- 绩效目标调整 --------------------------------------------------------------------------------------
def test_a_revised_target_judges_from_its_month_on(db, tmp_path):
    rows = "".join(f"{HOTLINE},2020-{m:02d},100,100,100,92\n" for m in range(1, 13))
    upload(db, tmp_path, "h.csv", "项目名称,月份,受理工单数,接单数,按期接单数,办结数\n" + rows)
    head = "项目名称,三级指标,生效月份,调整后指标值,调整原因\n"
    upload(db, tmp_path, "r.csv", head + f"{HOTLINE},处理12345热线工单办结率,2020-09,>=90%,热线改版期间经批准调整\n")
    name = "处理12345热线工单办结率"
    august = next(i for i in project(db, HOTLINE, 8).indicators if i.name == name)
    september = next(i for i in project(db, HOTLINE, 9).indicators if i.name == name)
    # 92 of 100 closed each month: 3 points under 95% (yellow), 2 over 90% (green)
    assert (august.status, august.target, august.revised) == ("yellow", ">=95%", False)
    assert (september.status, september.target, september.target_original) == ("green", ">=90%", ">=95%")
    assert september.explanation == (
        "截至9月办结率92.0%（828/900），目标>=90%，达到目标为绿灯（按调整后目标>=90%，9月起；原目标>=95%）"
    )


def test_a_number_revised_to_words_is_judged_by_a_rating(db, tmp_path):
    head = "项目名称,三级指标,生效月份,调整后指标值,调整原因\n"
    upload(db, tmp_path, "r.csv", head + f"{IT},等保测评评分,2020-03,达到等保三级要求,测评标准调整\n")
    indicator = next(i for i in project(db, IT, 3).indicators if i.name == "等保测评评分")
    assert (indicator.rule, indicator.kind, indicator.status) == ("rating", "qualitative", "grey")


# -- 累计数 --------------------------------------------------------------------------------------------
@pytest.fixture
def three_million(db_path, tmp_path):
    """One project with a 3,000,000 budget and a 预算执行率 indicator."""
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [
                [
                    "年度",
                    "申报单位名称",
                    "项目名称",
                    "项目当年预算（元）",
                    "一级目标",
                    "二级目标",
                    "三级目标",
                    "指标目标值",
                ],
                ["2020", "单位", "累计项目", "3000000", "产出目标", "数量", "培训班次", ">=12期"],
            ]
        )
    load_targets([path], db_path, CFG)
    return db_path


def test_one_cumulative_row_covers_the_months_before_it(three_million, tmp_path):
    upload(three_million, tmp_path, "c.csv", "项目名称,月份,累计支出（元）\n累计项目,2020-06,1180000\n")
    ratio = project(three_million, "累计项目", 6)
    # 1,180,000 ÷ 3,000,000 = 39.33% against 50%: 78.7% of pace → yellow in ratio mode, no grey month
    assert (ratio.executed_to_date, ratio.execution_rate, ratio.budget_status) == (1180000.0, 0.3933, "yellow")
    gap = project(three_million, "累计项目", 6, replace(CFG, budget=replace(CFG.budget, mode=BudgetMode.GAP)))
    assert gap.budget_status == "red"  # 10.67 points behind: 10 or more is red
    # monthly rows after it add on: July spends 120,000 more
    upload(three_million, tmp_path, "m.csv", "项目名称,月份,当月支出（元）\n累计项目,2020-07,120000\n")
    assert project(three_million, "累计项目", 7).executed_to_date == 1300000.0


def test_a_falling_or_mixed_cumulative_series_is_refused(three_million, tmp_path):
    head = "项目名称,月份,当月支出（元）,累计支出（元）\n"
    with pytest.raises(ValidationFailed) as refused:
        upload(three_million, tmp_path, "c.csv", head + "累计项目,2020-03,,500000\n累计项目,2020-06,,400000\n")
    assert [(p.line, p.reason()) for p in refused.value.problems] == [(3, "累计数“400000”小于之前月份的累计数 500000")]
    with pytest.raises(ValidationFailed) as refused:
        upload(three_million, tmp_path, "c.csv", head + "累计项目,2020-03,,500000\n累计项目,2020-04,100000,\n")
    assert "不能同时按“当月支出（元）”和“累计支出（元）”填报" in refused.value.problems[0].reason()
    with pytest.raises(ValidationFailed) as refused:
        upload(three_million, tmp_path, "c.csv", head + "累计项目,2020-03,,\n累计项目,2020-04,1,2\n")
    assert [p.reason() for p in refused.value.problems] == [
        "请填写“当月支出（元）”或“累计支出（元）”之一",
        "“当月支出（元）”或“累计支出（元）”只能填写一个",
    ]


def test_a_cumulative_count_covers_its_months(db, tmp_path):
    training = "上海体育系统人员培训经费"
    upload(db, tmp_path, "d.csv", f"项目名称,月份,事项,累计数量\n{training},2020-06,党校微课堂,24\n")
    lecture = next(i for i in project(db, training, 6).indicators if i.name == "党校微课堂")
    assert (lecture.status, lecture.actual) == ("green", 24.0)  # 24 of the plan's 24 by June, no grey month


def test_an_adjustment_is_reverted_like_any_upload(db, tmp_path):
    from ingest.actuals import ingest_actuals
    from ingest.revert import revert_load

    upload(db, tmp_path, "b.csv", monthly_budget(IT, 240000))
    path = tmp_path / "a.csv"
    path.write_text(f"项目名称,生效月份,调整后预算数（元）,调整原因\n{IT},2020-07,3500000,收回\n", encoding="utf-8")
    (loaded,) = ingest_actuals([path], db)
    assert project(db, IT, 7).budget == 3500000.0
    revert_load(db, loaded.load_id)
    july = project(db, IT, 7)
    assert (july.budget, july.adjustments, july.execution_rate) == (3890000.0, (), 0.4319)  # 1,680,000 ÷ 3,890,000


def test_the_monitoring_form_uses_the_staffs_forecast_and_reasons(db, tmp_path):
    from metrics.forms import budget_light_text, monitoring_forms, projected_head

    head = "项目名称,月份,当月支出（元）,全年预计执行数（元）,偏差原因,纠偏措施\n"
    rows = "".join(f"{IT},2020-{m:02d},240000,,,\n" for m in range(1, 6))
    rows += f"{IT},2020-06,240000,3700000,招标延后,下半年加快支付\n"
    upload(db, tmp_path, "b.csv", head + rows)
    con = duckdb.connect(str(db), read_only=True)
    try:
        form = next(f for f in monitoring_forms(con, CFG, 2020, 6) if f.name == IT)
    finally:
        con.close()
    assert (form.budget_start, form.budget_full, form.executed) == (3890000.0, 3890000.0, 1440000.0)
    assert (form.projected, projected_head(form)) == (3700000.0, "全年预计执行数（单位预计）")
    # 1,440,000 ÷ 3,890,000 = 37.02% against 50%: 74.0% of pace, yellow; the staff's reasons follow
    assert budget_light_text(form) == (
        "黄灯：截至6月执行率37.0%，时间进度50.0%，执行率÷时间进度=74.0%，60%–80%为黄灯。"
        "偏差原因及纠偏措施：招标延后；下半年加快支付"
    )
