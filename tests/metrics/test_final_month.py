"""At the year's final month a light means achieved (docs/domain.md §8, docs/rules.md 年末看是否达成): green only
when the target is met, worked by hand; and the two budget lights say what each measures (issue 14)."""

from dataclasses import replace

import duckdb
import pytest
from helpers import upload

from core.config import BudgetMode, load_config
from metrics.lights import Accumulating, Achieved, BudgetPace, DirectValue
from metrics.status import compute_status

CFG = load_config()  # accumulating: red < 60, yellow < 80, green < 120, blue ≥ 120; budget ratio: red < 60, yellow < 80
TRAINING, MUSEUM, HOTLINE = "上海体育系统人员培训经费", "上海体育文史业务经费", "上海体育公共服务经费"


def lights(db, month: int) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        report = compute_status(con, CFG, 2020, month)
    finally:
        con.close()
    return {(p.name, i.name): i for p in report.projects for i in p.indicators} | {
        (p.name, None): p for p in report.projects
    }


def test_equal_100_percent_at_92_in_december_is_yellow_not_green():
    # accumulating (体育藏品收购, "=100%", reported as % complete): in November 92 against 100 × 11/12 = 91.67 expected
    # is 100.4% of pace → green; in December the expected is the target itself: 92 ÷ 100 = 92%, at least 60 (not red)
    # and below 100 (not met) → yellow
    assert Accumulating.of(CFG).light(92 / (100 * 11 / 12) * 100) == "green"
    assert Achieved.of(CFG).light(92) == "yellow"
    # judged directly as a rate (no accumulate): 100 − 92 = 8 points short, beyond the 5-point yellow band → red,
    # in December as in any month
    assert DirectValue.of(CFG).light(92, 100, "equal", "%") == "red"


def test_the_demo_collection_at_92_percent_in_december_is_yellow(demo_copy):
    december = lights(demo_copy, 12)[(MUSEUM, "体育藏品收购")]
    assert (december.target, december.actual, december.status) == ("=100%", 92.0, "yellow")
    assert "年末完成目标60%–100%（未达成）为黄灯" in december.explanation


def test_48_lectures_with_46_done_is_green_in_november_and_yellow_in_december(demo_copy, tmp_path):
    # the demo holds 4 a month, 50 by December; December's 4 become 0, so 46 by November and by December
    upload(demo_copy, tmp_path, "dec.csv", f"项目名称,月份,事项,数量\n{TRAINING},2020-12,党校微课堂,0\n")
    november = lights(demo_copy, 11)[(TRAINING, "党校微课堂")]
    # the plan (scaled to 48): 24 by June, 48 by December → November 24 + 24 × 5/6 = 44; 46 ÷ 44 = 104.5% → green
    assert (november.actual, november.expected, november.status) == (46.0, 44.0, "green")
    december = lights(demo_copy, 12)[(TRAINING, "党校微课堂")]
    # December: 46 ÷ 48 = 95.8%: not met → yellow, never green although on the year's pace a month ago
    assert (december.actual, december.expected, december.status) == (46.0, 48.0, "yellow")
    assert december.explanation.startswith(
        "截至12月完成46期，全年目标48期（96%），年末完成目标60%–100%（未达成）为黄灯"
    )


@pytest.mark.parametrize(
    ("rate", "during", "december"),
    [
        (0.92, "green", "yellow"),  # x = 92 ÷ 100 × 100 = 92: ≥ 80 during the year, < 100 at its end
        (0.997, "green", "yellow"),  # 99.7: still short of the whole budget
        (1.0, "green", "green"),  # executed in full
        (0.55, "red", "red"),  # 55 < 60 either way
    ],
)
def test_the_budget_light_at_december_is_green_only_when_fully_executed(rate, during, december):
    assert BudgetPace.of(CFG).light(rate, 1.0) == during
    assert BudgetPace.final(CFG).light(rate, 1.0) == december
    # gap mode already asks for no lag: 92% at time progress 100% is 8 points behind (< 10) → yellow, both ways
    gap = replace(CFG, budget=replace(CFG.budget, mode=BudgetMode.GAP))
    assert BudgetPace.final(gap) == BudgetPace.of(gap)


def test_the_two_budget_lights_say_what_each_measures(demo_copy):
    june = lights(demo_copy, 6)
    rate, timely = june[(HOTLINE, "预算执行率")], june[(HOTLINE, "预算执行及时")]
    # the same 39.8%: 执行率 against the target's share, 98% × 6/12 = 49% → 39.8 ÷ 49 = 81% (green band, demoted
    # to yellow because 39.8 × 2 = 79.6% misses 98% for the year); 及时性 against time, 39.8 ÷ 50 = 79.6% → yellow
    assert rate.explanation.startswith("执行率衡量已支出占全年预算的比例，对照目标按进度折算（目标>=98%）：")
    assert timely.explanation.startswith(
        "及时性衡量执行率是否跟上时间进度（月份/12）：截至6月执行率39.8%，时间进度50.0%"
    )
    assert timely.status == "yellow"
    assert rate.explanation_en.startswith("execution measures spending against the year's budget and its target")
    assert timely.explanation_en.startswith("timeliness measures execution against time progress")
    # December: 99.6% executed at time progress 100% is not yet timely in full → yellow
    assert lights(demo_copy, 12)[(HOTLINE, "预算执行及时")].status == "yellow"
