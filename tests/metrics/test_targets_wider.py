"""The wider target grammar of other regions and years (docs/domain.md §3, §9), expectations by hand."""

from datetime import date

import pytest

from metrics.targets import parse_target

# text → (kind, operator, value (scaled to plain units), unit, high)
WIDER = [
    # magnitude words scale the value; the unit loses the word
    ("≥1.5万人次", "at_least", ">=", 15_000.0, "人次", None),  # 1.5 × 10,000
    ("≤1000万元", "at_most", "<=", 10_000_000.0, "元", None),  # 1000 × 10,000
    ("≥2亿元", "at_least", ">=", 200_000_000.0, "元", None),  # 2 × 100,000,000
    ("≥1.2百万人次", "at_least", ">=", 1_200_000.0, "人次", None),  # 1.2 × 1,000,000
    ("不超过3千万元", "at_most", "<=", 30_000_000.0, "元", None),  # 3 × 10,000,000
    ("5万册", "at_least", ">=", 50_000.0, "册", None),  # bare: at least; 5 × 10,000
    ("≥5千克", "at_least", ">=", 5.0, "千克", None),  # 千 alone is not a magnitude: 千克 is a unit
    # ranges: between low and high
    ("90%-95%", "between", "between", 90.0, "%", 95.0),
    ("90%～95%", "between", "between", 90.0, "%", 95.0),  # full-width tilde
    ("90%~95%", "between", "between", 90.0, "%", 95.0),
    ("90-95%", "between", "between", 90.0, "%", 95.0),  # the low end takes the high end's unit
    ("在90%至95%之间", "between", "between", 90.0, "%", 95.0),
    ("90%到95%", "between", "between", 90.0, "%", 95.0),
    ("1万-2万人次", "between", "between", 10_000.0, "人次", 20_000.0),  # 1 × 10,000 to 2 × 10,000
    ("1-2万人次", "between", "between", 10_000.0, "人次", 20_000.0),  # the magnitude is both ends'
    # an increase of at least N
    ("较上年增长10%", "increase", ">=", 10.0, "%", None),
    ("同比增长5%以上", "increase", ">=", 5.0, "%", None),
    ("较上年增加1万人次", "increase", ">=", 10_000.0, "人次", None),
    ("提高5个百分点", "increase", ">=", 5.0, "%", None),  # judged as base + 5 (the text says 百分点)
    ("增加1万人次", "increase", ">=", 10_000.0, "人次", None),
    ("同比提高", "increase", ">", None, None, None),  # no number: above last year
    # at least / at most in words
    ("不少于3次", "at_least", ">=", 3.0, "次", None),
    ("控制在5%以内", "at_most", "<=", 5.0, "%", None),  # 以内 is not part of the unit
    ("控制在1000万元以内", "at_most", "<=", 10_000_000.0, "元", None),
    ("不超过90万元以下", "at_most", "<=", 900_000.0, "元", None),
    # bare numbers read as at least
    ("20000", "at_least", ">=", 20_000.0, None, None),
    ("1种", "at_least", ">=", 1.0, "种", None),
]


@pytest.mark.parametrize("text,kind,operator,value,unit,high", WIDER)
def test_wider_grammar(text, kind, operator, value, unit, high):
    t = parse_target(text)
    assert (t.kind, t.operator, t.value, t.unit, t.high) == (kind, operator, value, unit, high)
    assert t.text == text  # verbatim: exports print what the table said


@pytest.mark.parametrize(
    "text",
    ["95%-90%", "3人-5次", "2020-2021年"],  # reversed, two units, a period of years
)
def test_not_ranges(text):
    assert parse_target(text).kind != "between"


# deadline text → the date it means in a 2021 project
DEADLINES_2021 = [
    ("12月31日前完成", date(2021, 12, 31)),
    ("年底前", date(2021, 12, 31)),
    ("年底前完成", date(2021, 12, 31)),
    ("6月底前", date(2021, 6, 30)),
    ("2月底前", date(2021, 2, 28)),  # 2021 is not a leap year
    ("9月前", date(2021, 9, 30)),
    ("2025年年底前", date(2025, 12, 31)),  # a year written wins over the project's
]


@pytest.mark.parametrize("text,deadline", DEADLINES_2021)
def test_deadlines_take_the_projects_year(text, deadline):
    t = parse_target(text, year=2021)
    assert (t.kind, t.operator, t.value, t.unit, t.deadline) == ("deadline", "<=", None, None, deadline)
    assert t.needs == "completion_date"


def test_deadline_without_any_year_is_still_a_deadline():
    t = parse_target("年底前")
    assert (t.kind, t.deadline) == ("deadline", None)


def test_leap_february_end():
    assert parse_target("2月底前", year=2020).deadline == date(2020, 2, 29)


def test_impossible_day_is_not_a_deadline():
    assert parse_target("2月30日前", year=2021).kind != "deadline"


def test_between_needs_an_actual_and_has_no_direction():
    t = parse_target("90%-95%")
    assert (t.needs, t.direction) == ("actual", None)
    assert t.as_dict()["high"] == 95.0
