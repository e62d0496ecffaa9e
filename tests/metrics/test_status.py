"""The status engine on small hand-made uploads: each rule's light and explanation, numbers by hand."""

from dataclasses import replace

import duckdb
import pytest
from helpers import upload

from core.config import BudgetMode, load_config
from metrics.rules.base import expected_to_date
from metrics.status import compute_status

CFG = load_config()
GAP = replace(CFG, budget=replace(CFG.budget, mode=BudgetMode.GAP))

TRAINING, HOTLINE, MUSEUM, PUBLICITY, IT = (
    "上海体育系统人员培训经费",
    "上海体育公共服务经费",
    "上海体育文史业务经费",
    "上海体育宣传服务经费",
    "上海市体育局信息技术保障经费",
)


def status(db, month, config=CFG):
    con = duckdb.connect(str(db), read_only=True)
    try:
        report = compute_status(con, config, 2020, month)
    finally:
        con.close()
    return {(p.name, i.name): i for p in report.projects for i in p.indicators}, {p.name: p for p in report.projects}


def deliverables(counts: list[int], item="党校微课堂") -> str:
    rows = "".join(f"{TRAINING},2020-{m:02d},{item},{n}\n" for m, n in enumerate(counts, start=1) if n is not None)
    return "项目名称,月份,事项,数量\n" + rows


@pytest.mark.parametrize(
    "counts,light,ratio",
    [
        # the prose plans 20 by June of 40; the table's 48 scales it to 24 by June
        ([4, 4, 4, 4, 4, 4], "green", "（100%）"),  # 24 of 24
        ([3, 3, 3, 3, 3, 3], "yellow", "（75%）"),  # 18 of 24
        ([3, 3, 3, 3, 2, 0], "red", "（58%）"),  # 14 of 24: 58.3%, under 60
        ([5, 5, 5, 5, 4, 5], "blue", "（121%）"),  # 29 of 24: 120.8%
    ],
)
def test_micro_lectures_against_the_phased_plan(db, tmp_path, counts, light, ratio):
    upload(db, tmp_path, "d.csv", deliverables(counts))
    ind, _ = status(db, 6)
    lecture = ind[(TRAINING, "党校微课堂")]
    assert lecture.status == light
    assert lecture.expected == 24
    assert ratio in lecture.explanation and "计划应达24期" in lecture.explanation


def test_missing_month_is_grey_not_red(db, tmp_path):
    upload(db, tmp_path, "d.csv", deliverables([4, 3, None, 4, 3, 3]))
    ind, _ = status(db, 6)
    lecture = ind[(TRAINING, "党校微课堂")]
    assert lecture.status == "grey" and lecture.missing == [3]
    assert lecture.explanation == "3月产出数量未填报，无法判断"


def test_plan_and_linear_expectations():
    planned = {6: 20, 12: 48}
    assert expected_to_date(planned, 48, 3) == 10  # half of the first half's 20
    assert expected_to_date(planned, 48, 6) == 20
    assert expected_to_date(planned, 48, 9) == 34  # 20 + (48 − 20) × 3/6
    assert expected_to_date(None, 48, 6) == 24  # T × m/12
    assert expected_to_date({"6": 1}, 2, 12) == 2  # after the plan's last month, on towards T


def test_response_time_one_second_over_is_red(db, tmp_path):
    header = "项目名称,事件编号,舆情级别,出现时间,发现时间,上报时间\n"
    upload(
        db,
        tmp_path,
        "e.csv",
        header + f"{PUBLICITY},E1,负面,2020-05-02 08:00:00,2020-05-02 08:30:00,2020-05-02 09:00:00\n",
    )
    ind, _ = status(db, 5)
    assert ind[(PUBLICITY, "宣传服务经费")].status == "green"  # exactly one hour
    upload(
        db,
        tmp_path,
        "e2.csv",
        header + f"{PUBLICITY},E1,负面,2020-05-02 08:00:00,2020-05-02 08:30:00,2020-05-02 09:00:01\n",
    )
    ind, _ = status(db, 5)
    slow = ind[(PUBLICITY, "宣传服务经费")]
    assert slow.status == "red"
    assert "1起舆情中0起在1小时内上报，最长1小时（E1），超过1小时为红灯" in slow.explanation


def test_zero_versus_one_major_incident(db, tmp_path):
    header = "项目名称,三级指标,月份,实际值\n"
    upload(
        db, tmp_path, "v.csv", header + "".join(f"{IT},市体育局数据中心稳定运行,2020-{m:02d},0\n" for m in range(1, 7))
    )
    ind, _ = status(db, 6)
    assert ind[(IT, "市体育局数据中心稳定运行")].status == "green"
    upload(db, tmp_path, "v2.csv", header + f"{IT},市体育局数据中心稳定运行,2020-04,1\n")
    ind, _ = status(db, 6)
    incident = ind[(IT, "市体育局数据中心稳定运行")]
    assert incident.status == "red" and incident.actual == 1
    assert "截至6月累计1起" in incident.explanation


def test_no_baseline_uploaded_is_grey(db, tmp_path):
    upload(
        db,
        tmp_path,
        "vis.csv",
        "项目名称,月份,参观人数,参观次数\n" + "".join(f"{MUSEUM},2020-{m:02d},100,5\n" for m in range(1, 4)),
    )
    ind, _ = status(db, 3)
    museum = ind[(MUSEUM, "提升博物馆的社会知名度，让公众进一步了解上海体育历史")]
    assert museum.status == "grey" and "未上传2019年1–3月的基期数据" in museum.explanation
    upload(
        db,
        tmp_path,
        "base.csv",
        "项目名称,月份,参观人数,参观次数\n" + "".join(f"{MUSEUM},2019-{m:02d},1000,50\n" for m in range(1, 4)),
    )
    ind, _ = status(db, 3)
    museum = ind[(MUSEUM, "提升博物馆的社会知名度，让公众进一步了解上海体育历史")]
    assert museum.status == "red" and "上年同期3,000（-90.0%）" in museum.explanation


def test_hotline_rates_are_ratios_of_sums(db, tmp_path):
    # January 100% closed of 10, February 50% of 100: the rate to date is 60/110, not the mean of 100% and 50%
    upload(
        db,
        tmp_path,
        "h.csv",
        "项目名称,月份,受理工单数,接单数,按期接单数,办结数\n"
        f"{HOTLINE},2020-01,10,10,10,10\n{HOTLINE},2020-02,100,100,100,50\n",
    )
    ind, _ = status(db, 2)
    rate = ind[(HOTLINE, "处理12345热线工单办结率")]
    assert rate.actual == pytest.approx(54.55, abs=0.01)
    assert rate.status == "red" and "（60/110）" in rate.explanation


def budget_rows(project, shares_of_budget, budget):
    return "".join(f"{project},2020-{m:02d},{budget * s / 100:.2f}\n" for m, s in enumerate(shares_of_budget, start=1))


def test_budget_modes_disagree_as_domain_says(db, tmp_path):
    upload(
        db,
        tmp_path,
        "b.csv",
        "项目名称,月份,当月支出（元）\n" + budget_rows(HOTLINE, [4, 2.5, 5, 7.5, 9, 11.8], 2150040),
    )
    _, projects = status(db, 6)
    assert projects[HOTLINE].execution_rate == pytest.approx(0.398)
    assert projects[HOTLINE].budget_status == "yellow"  # 39.8 ÷ 50 = 79.6%
    assert "执行率÷时间进度=79.6%" in projects[HOTLINE].budget_explanation
    ind, projects = status(db, 6, GAP)
    assert projects[HOTLINE].budget_status == "red"  # 10.2 points behind
    assert "落后10.2个百分点" in projects[HOTLINE].budget_explanation
    assert ind[(HOTLINE, "预算执行及时")].status == "red"  # the 及时 indicator follows the budget light


def test_budget_exactly_at_time_progress_is_green_in_both_modes(db, tmp_path):
    upload(
        db,
        tmp_path,
        "b.csv",
        "项目名称,月份,当月支出（元）\n" + budget_rows(PUBLICITY, [10, 10, 10, 10, 5, 5], 7700000),
    )
    for config in (CFG, GAP):
        _, projects = status(db, 6, config)
        assert projects[PUBLICITY].budget_status == "green"


def test_a_threshold_change_changes_every_light(db, tmp_path):
    upload(db, tmp_path, "d.csv", deliverables([6, 6, 5, 5, 4, 4]))  # 30 of 24: 125%
    ind, _ = status(db, 6)
    assert ind[(TRAINING, "党校微课堂")].status == "blue"
    relaxed = replace(CFG, lights=replace(CFG.lights, accumulating_blue_from=140))
    ind, _ = status(db, 6, relaxed)
    lecture = ind[(TRAINING, "党校微课堂")]
    assert lecture.status == "green"
    # the explanation quotes the bounds the light used: 30 of 24 is 125%, green up to 140%
    assert "完成30期，计划应达24期（125%），80%–140%为绿灯" in lecture.explanation
    assert "120%" not in lecture.explanation


def test_project_light_is_the_worst(db, tmp_path):
    upload(db, tmp_path, "d.csv", deliverables([4, 3, 3, 4, 3, 3]))
    upload(
        db, tmp_path, "b.csv", "项目名称,月份,当月支出（元）\n" + budget_rows(TRAINING, [2, 0.5, 1.5, 3, 5, 8], 2187000)
    )
    ind, projects = status(db, 6)
    training = projects[TRAINING]
    assert training.budget_status == "red"  # 20% ÷ 50% = 40%
    assert training.status == "red"
    assert ind[(TRAINING, "党校干部培训")].status == "red"  # 0 of the plan's 1 by June
