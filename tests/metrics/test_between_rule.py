"""The range rule (``value_between``): bands, points, and a light judged end to end, numbers by hand."""

from __future__ import annotations

import csv

import pytest

from core.config import load_config
from ingest.target_store import load_targets
from metrics.forms import indicator_points
from metrics.lights import GREEN, RED, YELLOW
from metrics.rules import DEFAULT_RULE, RuleName
from metrics.rules.between import Between, points
from metrics.status import compute_status

# the shipped bounds: 5 points under a % range, 5% under any other, no tolerance over the top
BANDS = Between(yellow_points=5, yellow_share=0.05, tolerance=0.0)


@pytest.mark.parametrize(
    "actual,low,high,unit,light",
    [
        (90, 90, 95, "%", GREEN),  # the lower bound is inside
        (95, 90, 95, "%", GREEN),  # so is the upper
        (86, 90, 95, "%", YELLOW),  # 4 points under: within 5
        (85, 90, 95, "%", RED),  # 5 points under: not within 5
        (95.5, 90, 95, "%", RED),  # over the top, tolerance 0
        (9_600, 10_000, 20_000, "人次", YELLOW),  # 9,600 ≥ 10,000 × 0.95 = 9,500
        (9_400, 10_000, 20_000, "人次", RED),  # under 9,500
    ],
)
def test_bands(actual, low, high, unit, light):
    assert BANDS.light(actual, low, high, unit) == light


def test_tolerance_over_the_top():
    bands = Between(5, 0.05, 0.10)
    assert bands.light(104, 90, 95, "%") == YELLOW  # 104 ≤ 95 × 1.1 = 104.5
    assert bands.light(105, 90, 95, "%") == RED


@pytest.mark.parametrize(
    "actual,expected",
    [
        (92, 10.0),  # inside: full
        (72, 8.0),  # below: 10 × 72 ÷ 90 = 8
        (114, 8.0),  # above: 10 × (1 − (114 − 95) ÷ 95) = 10 × 0.8 = 8
        (190, 0.0),  # 2 × 95: nothing
    ],
)
def test_points(actual, expected):
    assert points(actual, "90%-95%", 10.0) == pytest.approx(expected)


def test_default_rule():
    assert DEFAULT_RULE["between"] == RuleName.VALUE_BETWEEN


HEADER = (
    "年度,申报单位名称,项目名称,项目类别,计划开始日期,计划完成日期,是否含有政府购买服务,绩效类型,"
    "项目总预算（元）,项目当年预算（元）,一级目标,二级目标,三级目标,指标目标值"
).split(",")


def _targets(path, year: int, rows: list[tuple[str, str, str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for level1, level2, name, target in rows:
            w.writerow(
                [year, "测试单位", "区间测试项目", "其他", f"{year}-01-01", f"{year}-12-31", "否", "其他类"]
                + ["1000000", "1000000", level1, level2, name, target]
            )


def test_a_range_judged_and_scored(db_path, tmp_path):
    from helpers import upload

    targets = tmp_path / "targets.csv"
    _targets(
        targets,
        2020,
        [
            ("产出目标", "质量", "验收合格率", "90%-95%"),
            ("效果目标", "社会效益", "服务覆盖人次", "1万-2万人次"),
            ("效果目标", "社会效益", "完成时间", "年底前"),
        ],
    )
    load_targets([targets], db_path, load_config())
    upload(
        db_path,
        tmp_path,
        "values.csv",
        "项目名称,三级指标,月份,实际值\n区间测试项目,验收合格率,2020-06,86\n区间测试项目,服务覆盖人次,2020-06,25000\n",
    )
    report = compute_status_june(db_path)
    by_name = {i.name: i for p in report.projects for i in p.indicators}
    rate, visits = by_name["验收合格率"], by_name["服务覆盖人次"]
    assert (rate.kind, rate.target_value, rate.judgement.status) == ("between", 90.0, YELLOW)  # 4 points under
    assert (visits.kind, visits.target_value, visits.judgement.status) == ("between", 10_000.0, RED)  # over 20,000
    assert "目标区间90–95%" in rate.judgement.explain("zh")
    # 25,000 over 20,000: 10 × (1 − 5,000 ÷ 20,000) = 7.5
    assert indicator_points(visits, 10.0, load_config().scoring) == pytest.approx(7.5)


def compute_status_june(db_path):
    from core.db import read_connection

    with read_connection(db_path) as con:
        return compute_status(con, load_config(con), 2020, 6)


def test_an_increase_of_at_least_ten_percent(db_path, tmp_path):
    """较上年增长10% over a baseline of 200 asks for 220 (200 × 1.1); 提高5个百分点 over 80% asks for 85%."""
    from helpers import upload

    targets = tmp_path / "targets.csv"
    _targets(
        targets,
        2020,
        [
            ("效果目标", "社会效益", "参观人次", "较上年增长10%"),
            ("效果目标", "社会效益", "满意率", "提高5个百分点"),
            ("效果目标", "社会效益", "活动场次", "较上年增长10%"),
        ],
    )
    load_targets([targets], db_path, load_config())
    upload(
        db_path,
        tmp_path,
        "refs.csv",
        "项目名称,三级指标,月份,类型,数值\n"
        "区间测试项目,参观人次,2020-06,基期值,200\n"
        "区间测试项目,满意率,2020-06,基期值,80\n"
        "区间测试项目,活动场次,2020-06,基期值,200\n",
    )
    upload(
        db_path,
        tmp_path,
        "values.csv",
        "项目名称,三级指标,月份,实际值\n"
        "区间测试项目,参观人次,2020-06,220\n"  # exactly 200 × 1.1: reached
        "区间测试项目,满意率,2020-06,84\n"  # 84 < 80 + 5; 84 ÷ 85 = 98.8% ≥ 90%: yellow
        "区间测试项目,活动场次,2020-06,210\n",  # above last year but short of 220: yellow
    )
    by_name = {i.name: i for p in compute_status_june(db_path).projects for i in p.indicators}
    assert (by_name["参观人次"].judgement.status, by_name["参观人次"].judgement.expected) == (GREEN, 220.0)
    assert (by_name["满意率"].judgement.status, by_name["满意率"].judgement.expected) == (YELLOW, 85.0)
    assert by_name["活动场次"].judgement.status == YELLOW
    assert "应达220" in by_name["参观人次"].judgement.explain("zh")
