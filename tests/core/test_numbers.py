"""The one number formatter (core/numbers.py): each rule with its figures worked out by hand."""

from datetime import date

import pytest

from core import numbers


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (10800, "10,800"),
        (6210.0, "6,210"),
        (0.5, "0.5"),
        (80.004, "80"),
        (1234.567, "1,234.57"),
        (None, "—"),
        (float("nan"), "—"),
        (-0.001, "0"),
    ],
)
def test_num(value, shown):
    assert numbers.num(value) == shown


def test_percent_and_share():
    assert numbers.pct(97) == "97%"
    assert numbers.pct(97.46) == "97.5%"  # one decimal
    assert numbers.share(0.975) == "97.5%"  # 0.975 × 100
    assert numbers.pct(None) == "—"


def test_money_in_wan_yuan_and_yuan_on_forms():
    assert numbers.money(12_345_678) == "1,234.57万元"  # 12,345,678 ÷ 10,000 = 1,234.5678
    assert numbers.money(12_345_678, "en") == "¥12.35 m"  # ÷ 1,000,000 = 12.345678
    assert numbers.yuan(1234567.8) == "1,234,567.80"


def test_durations():
    assert numbers.duration(1.37) == "1小时22分"  # 1.37 h = 82.2 min → 82 min = 1 h 22 min
    assert numbers.duration(1.37, "en") == "1 h 22 min"
    assert numbers.duration(0.5) == "30分钟"
    assert numbers.duration(2) == "2小时"


def test_values_with_their_unit():
    assert numbers.with_unit(48, "期") == "48期"
    assert numbers.with_unit(10800, "人次") == "10,800人次"
    assert numbers.with_unit(10800, "人次", "en") == "10,800 人次"
    assert numbers.with_unit(97.5, "%") == "97.5%"
    assert numbers.with_unit(1.37, "小时") == "1小时22分"
    assert numbers.with_unit(150, "万元") == "150.00万元"


def test_words_and_months():
    assert numbers.yes_no(True) == "是" and numbers.yes_no(False, "en") == "No"
    assert numbers.month_name(6) == "6月" and numbers.month_name(6, "en") == "Jun"
    assert numbers.month_label(date(2020, 6, 1)) == "2020年6月"
    assert numbers.month_label(date(2020, 6, 1), "en") == "Jun 2020"
