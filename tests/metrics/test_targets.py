"""The target grammar: every row of docs/domain.md §3 and every target of the 2020 seed, expectations by hand."""

from datetime import date

import pytest

from metrics.targets import KINDS, parse_target

# docs/domain.md §3, row by row: text → (kind, operator, value, unit, needs)
DOMAIN_ROWS = [
    # at least T
    (">=98%", "at_least", ">=", 98.0, "%", "actual"),
    ("≥50个", "at_least", ">=", 50.0, "个", "actual"),
    ("98%以上", "at_least", ">=", 98.0, "%", "actual"),
    ("不低于95%", "at_least", ">=", 95.0, "%", "actual"),
    ("不少于3次", "at_least", ">=", 3.0, "次", "actual"),
    # more than T
    (">5", "at_least", ">", 5.0, None, "actual"),
    ("高于90%", "at_least", ">", 90.0, "%", "actual"),
    # equal to T
    ("=100%", "equal", "=", 100.0, "%", "actual"),
    # bare: at least T for counts and rates
    ("100%", "at_least", ">=", 100.0, "%", "actual"),
    ("1种", "at_least", ">=", 1.0, "种", "actual"),
    # at most T
    ("<=10", "at_most", "<=", 10.0, None, "actual"),
    ("≤90万元", "at_most", "<=", 900000.0, "元", "actual"),  # 90 × 10,000 元
    ("不超过90万元", "at_most", "<=", 900000.0, "元", "actual"),
    ("90万元以内", "at_most", "<=", 900000.0, "元", "actual"),
    ("5%以下", "at_most", "<=", 5.0, "%", "actual"),
    # response time
    ("1小时内", "at_most", "<=", 1.0, "小时", "measured_times"),
    # zero events
    ("无重大安全故障", "zero_events", "=", 0.0, None, "event_count"),
    ("0起", "zero_events", "=", 0.0, "起", "event_count"),
    ("零事故", "zero_events", "=", 0.0, None, "event_count"),
    ("无投诉", "zero_events", "=", 0.0, None, "event_count"),
    # higher than last year
    ("同比提高", "increase", ">", None, None, "baseline"),
    ("提高", "increase", ">", None, None, "baseline"),
    ("提升", "increase", ">", None, None, "baseline"),
    ("进一步扩大", "increase", ">", None, None, "baseline"),
    ("增加", "increase", ">", None, None, "baseline"),
    # higher than a reference
    ("高于全市平均水平", "above_reference", ">", None, None, "reference"),
    # qualitative
    ("及时", "qualitative", None, None, None, "rating"),
    ("达到既定目标", "qualitative", None, None, None, "rating"),
    ("全市优秀网站", "qualitative", None, None, None, "rating"),
    ("每周更新", "qualitative", None, None, None, "rating"),
    ("设计制作", "qualitative", None, None, None, "rating"),
    # deadline
    ("2025年年底前", "deadline", "<=", None, None, "completion_date"),
    # not applicable
    ("无", "not_applicable", None, None, None, None),
]


@pytest.mark.parametrize("text,kind,operator,value,unit,needs", DOMAIN_ROWS)
def test_domain_rows(text, kind, operator, value, unit, needs):
    t = parse_target(text)
    assert (t.kind, t.operator, t.value, t.unit, t.needs) == (kind, operator, value, unit, needs)
    assert t.text == text


# The 31 targets of the seed, project by project, in table order.
SEED_TARGETS = [
    # 上海市体育局信息技术保障经费
    ("高于全市平均水平", "above_reference", None, None),
    (">=80分", "at_least", 80.0, "分"),
    ("达到既定目标", "qualitative", None, None),
    ("无重大安全故障", "zero_events", 0.0, None),
    ("全市优秀网站", "qualitative", None, None),
    # 上海体育公共服务经费
    (">=98%", "at_least", 98.0, "%"),
    ("=100%", "equal", 100.0, "%"),
    ("及时", "qualitative", None, None),
    ("每周更新", "qualitative", None, None),
    (">=95%", "at_least", 95.0, "%"),
    # 上海体育文史业务经费
    ("=100%", "equal", 100.0, "%"),
    ("=100%", "equal", 100.0, "%"),
    ("=100%", "equal", 100.0, "%"),
    ("进一步扩大", "increase", None, None),
    ("按预算计划完成", "qualitative", None, None),
    ("设计制作", "qualitative", None, None),
    ("同比提高", "increase", None, None),
    ("参观人数、次数增加", "increase", None, None),
    ("同比提高", "increase", None, None),
    ("同比提高", "increase", None, None),
    # 上海体育系统人员培训经费
    (">=2期", "at_least", 2.0, "期"),
    (">=48期", "at_least", 48.0, "期"),
    ("提高", "increase", None, None),
    ("及时", "qualitative", None, None),
    ("覆盖新任和中级", "qualitative", None, None),
    ("提升", "increase", None, None),
    # 上海体育宣传服务经费
    (">=95%", "at_least", 95.0, "%"),
    (">=100%", "at_least", 100.0, "%"),
    ("及时", "qualitative", None, None),
    ("舆情监控确保每天14小时人工加系统进行监控，对热点、负面舆情有预判、及时监控、汇报", "at_least", 14.0, "小时"),
    ("舆情监控确保热点及负面1小时内发现、上报，为领导处置、应对提供信息。", "at_most", 1.0, "小时"),
]


def test_seed_has_31_targets():
    assert len(SEED_TARGETS) == 31


@pytest.mark.parametrize("text,kind,value,unit", SEED_TARGETS)
def test_seed_targets(text, kind, value, unit):
    t = parse_target(text)
    assert (t.kind, t.value, t.unit) == (kind, value, unit)
    assert t.text == text


def test_full_width_symbols_and_units():
    t = parse_target("＞＝９８％")
    assert (t.kind, t.operator, t.value, t.unit) == ("at_least", ">=", 98.0, "%")
    t = parse_target("≥９８％")
    assert (t.kind, t.operator, t.value, t.unit) == ("at_least", ">=", 98.0, "%")
    t = parse_target("＜＝5天")
    assert (t.kind, t.value, t.unit) == ("at_most", 5.0, "天")
    t = parse_target("＝100％")
    assert (t.kind, t.value, t.unit) == ("equal", 100.0, "%")
    t = parse_target("98百分比")
    assert (t.kind, t.value, t.unit) == ("at_least", 98.0, "%")
    t = parse_target("＞3次")
    assert (t.kind, t.operator, t.value) == ("at_least", ">", 3.0)


def test_targets_split_over_lines_keep_their_text():
    text = ">=\n98%"
    t = parse_target(text)
    assert (t.kind, t.value, t.unit, t.text) == ("at_least", 98.0, "%", text)


def test_direction_per_kind():
    assert parse_target(">=98%").direction == "higher"
    assert parse_target("同比提高").direction == "higher"
    assert parse_target("≤90万元").direction == "lower"
    assert parse_target("0起").direction == "lower"
    assert parse_target("及时").direction is None


def test_deadlines():
    assert parse_target("2025年年底前").deadline == date(2025, 12, 31)
    assert parse_target("2021年6月前").deadline == date(2021, 6, 30)
    assert parse_target("2020年2月底前").deadline == date(2020, 2, 29)


def test_not_applicable_by_indicator_name():
    assert parse_target("无", "本项目不适用此指标").kind == "not_applicable"
    assert parse_target("", "x").kind == "not_applicable"


def test_zero_targets_are_zero_events():
    assert parse_target("=0").kind == "zero_events"
    assert parse_target("≤0次").kind == "zero_events"


@pytest.mark.parametrize("text", ["", "   ", "???", "≥", ">=abc%", "1" * 400, "同比", "100%%%%%", None, "—", "12345"])
def test_never_raises(text):
    t = parse_target(text)
    assert t.kind in KINDS
