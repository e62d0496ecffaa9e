"""The kinds of monthly actuals staff upload: their columns, the table each fills, and what a re-upload replaces.

One spec per kind drives the reader (header names in Chinese or English), the
validation (types, required cells, duplicates), the writer and the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import pandas as pd

from ingest import parsing
from ingest.tables import Column
from metrics.ratings import Likelihood, closest_rating_word, rating_of, rating_words

# Every rating word staff may write: the official bands and the synonyms of data/vocabulary.toml [ratings].
RATINGS = tuple(rating_words().items())
RATING_WORDS = ("达成", "部分达成", "未达成")  # the three official bands, as staff pick them


def value_cells(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """实际完成值 cells: the number (``98%`` is 98), and the words of a cell that is no number ("已完成验收").

    Words are an answer only beside a rating (``check_indicator_values``); they are kept as text, never read
    as a number."""
    parsed, words = parsing.numbers(text, percent_ok=True)
    return parsed, text.where(words).astype(object)


def free_text_note(words: pd.Series, note: pd.Series) -> pd.Series:
    """The note stored with a value given in words: "实际完成值：已完成验收", then the row's own note."""
    said = "实际完成值：" + words.astype(str)
    joined = said.where(note.isna(), said + "；" + note.astype(str))
    return joined.where(words.notna(), note)


def rating_cells(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rating cells read through the vocabulary: the band, the unknown words, and for each the closest known word
    ("" when none is close: the message then lists the official words)."""
    words = text.fillna("").astype(str)
    parsed = words.map(lambda w: rating_of(w) if w.strip() else None)
    bad = (words.str.strip() != "") & parsed.isna()
    closest = words.where(bad, "").map(lambda w: (closest_rating_word(w) or "") if w else "")
    return parsed.astype(object), bad, closest


LIKELIHOOD_WORDS = ("确定能", "有可能", "不可能")
LIKELIHOODS = (
    ("确定能", Likelihood.CERTAIN),
    ("certain", Likelihood.CERTAIN),
    ("有可能", Likelihood.POSSIBLE),
    ("possible", Likelihood.POSSIBLE),
    ("不可能", Likelihood.IMPOSSIBLE),
    ("impossible", Likelihood.IMPOSSIBLE),
)
EVENT_LEVELS = (
    ("热点", "hot"),
    ("hot", "hot"),
    ("负面", "negative"),
    ("negative", "negative"),
    ("重大", "major"),
    ("major", "major"),
    ("一般", "normal"),
    ("normal", "normal"),
)
REFERENCE_TYPES = (
    ("基期值", "baseline"),
    ("基期", "baseline"),
    ("上年同期", "baseline"),
    ("baseline", "baseline"),
    ("参考值", "reference"),
    ("参考", "reference"),
    ("全市平均", "reference"),
    ("reference", "reference"),
)

PROJECT = Column(
    "project",
    "项目名称",
    "project",
    True,
    "与绩效目标表中的项目名称一致",
    "as named in the target table",
    aliases=("项目",),
    example="上海体育公共服务经费",
)
MONTH = Column(
    "month",
    "月份",
    "month",
    True,
    "YYYY-MM，如 2020-03",
    "YYYY-MM, e.g. 2020-03",
    aliases=("期间", "period", "年月"),
    type="month",
    example="2020-03",
)
INDICATOR = Column(
    "indicator",
    "三级指标",
    "indicator",
    True,
    "与绩效目标表中的三级目标一致",
    "the 三级目标 as in the target table",
    aliases=("指标名称", "三级目标"),
    example="处理12345热线工单办结率",
)
NOTE = Column("note", "备注", "note", help_zh="可空", help_en="optional", aliases=("说明",))


class KindName(StrEnum):
    """The upload kinds (``perfboard ingest actuals --kind``, the templates, ``load_log.kind``)."""

    BUDGET = "budget"
    HOTLINE_MONTH = "hotline_month"
    HOTLINE_TICKET = "hotline_ticket"
    OPINION_EVENT = "opinion_event"
    OPINION_HOURS = "opinion_hours"
    VISITORS = "visitors"
    DELIVERABLES = "deliverables"
    INDICATOR_VALUES = "indicator_values"
    SUMMARY = "summary"
    REFERENCE = "reference"
    BUDGET_ADJUSTMENT = "budget_adjustment"
    TARGET_REVISION = "target_revision"


@dataclass(frozen=True)
class Kind:
    """One upload format."""

    name: KindName
    zh: str
    en: str
    table: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]  # what makes two rows of one file the same row
    replaces: tuple[str, ...]  # stored columns: a new upload replaces current rows with these values
    month_from: str = "month"  # the column whose month places the row in a year
    baseline_year_ok: bool = False  # rows of the year before the project's year are baselines
    examples: tuple[tuple[str, str], ...] = ()  # template example values that differ from the columns' own
    derived: tuple[str, ...] = ()  # stored columns worked out in validation (a revised target's kind…)
    one_of: tuple[tuple[str, ...], ...] = ()  # each row fills exactly one of these columns

    def example_row(self) -> list[str]:
        own = dict(self.examples)
        return [own.get(c.key, c.example) for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


KINDS: dict[KindName, Kind] = {
    k.name: k
    for k in (
        Kind(
            KindName.BUDGET,
            "预算执行",
            "budget execution",
            "budget_month",
            (
                PROJECT,
                MONTH,
                Column(
                    "spent",
                    "当月支出（元）",
                    "spent",
                    False,
                    "当月实际支出金额，元；或改填“累计支出”",
                    "amount spent in the month, yuan; or give spent_to_date instead",
                    aliases=("当月执行数", "支出金额", "当月支出"),
                    type="money",
                    example="182500.00",
                ),
                Column(
                    "spent_to_date",
                    "累计支出（元）",
                    "spent_to_date",
                    False,
                    "1月至当月的累计支出（1–m月执行数），元；代替“当月支出”，覆盖1月至当月",
                    "spent from January to the month, yuan, instead of the month's spending; covers months 1…m",
                    aliases=("累计执行数", "累计支出"),
                    type="money",
                    example="",
                ),
                Column(
                    "received_to_date",
                    "累计到位资金（元）",
                    "received_to_date",
                    False,
                    "1月至当月的累计到位资金，元，与“累计支出”同用",
                    "funds received from January to the month, yuan (with spent_to_date)",
                    aliases=("累计到位资金",),
                    type="money",
                    example="",
                ),
                Column(
                    "forecast",
                    "全年预计执行数（元）",
                    "forecast",
                    False,
                    "单位对全年执行数的预计，元，可空（监控表用）",
                    "the unit's forecast of the year's spending, yuan, optional (monitoring form)",
                    aliases=("全年预计执行数",),
                    type="money",
                    example="",
                ),
                Column(
                    "reason",
                    "偏差原因",
                    "deviation_reason",
                    False,
                    "执行进度偏差的原因，可空（监控表用）",
                    "why spending lags or leads, optional (monitoring form)",
                    example="",
                ),
                Column(
                    "measures",
                    "纠偏措施",
                    "measures",
                    False,
                    "纠偏措施，可空（监控表用）",
                    "corrective measures, optional (monitoring form)",
                    example="",
                ),
                Column(
                    "received",
                    "当月到位资金（元）",
                    "received",
                    False,
                    "当月到位资金，元，可空",
                    "funds received in the month, yuan",
                    aliases=("到位资金", "当月到位资金"),
                    type="money",
                    example="200000.00",
                ),
                NOTE,
            ),
            identity=("project", "month"),
            replaces=("project_id", "month"),
            one_of=(("spent", "spent_to_date"),),
        ),
        Kind(
            KindName.HOTLINE_MONTH,
            "12345热线月报",
            "12345 hotline monthly",
            "hotline_month",
            (
                PROJECT,
                MONTH,
                Column(
                    "received",
                    "受理工单数",
                    "tickets_received",
                    True,
                    "当月收到的流转工单数",
                    "tickets received",
                    aliases=("收到工单数", "派单数"),
                    type="count",
                    example="120",
                ),
                Column(
                    "accepted",
                    "接单数",
                    "tickets_accepted",
                    True,
                    "已接单数",
                    "tickets accepted",
                    type="count",
                    example="120",
                ),
                Column(
                    "accepted_on_time",
                    "按期接单数",
                    "accepted_on_time",
                    True,
                    "在时限内接单数",
                    "accepted within the limit",
                    type="count",
                    example="119",
                ),
                Column(
                    "closed",
                    "办结数",
                    "tickets_closed",
                    True,
                    "当月办结数",
                    "tickets closed",
                    aliases=("办结工单数",),
                    type="count",
                    example="115",
                ),
            ),
            identity=("project", "month"),
            replaces=("project_id", "month"),
        ),
        Kind(
            KindName.HOTLINE_TICKET,
            "12345热线工单明细",
            "12345 hotline tickets",
            "hotline_ticket",
            (
                PROJECT,
                Column(
                    "ticket_id",
                    "工单编号",
                    "ticket_id",
                    True,
                    "热线系统的工单编号",
                    "the hotline system's ticket number",
                    aliases=("工单号",),
                    example="SH2020030500123",
                ),
                Column(
                    "received_at",
                    "派单时间",
                    "received_at",
                    True,
                    "YYYY-MM-DD HH:MM",
                    "YYYY-MM-DD HH:MM",
                    aliases=("受理时间", "收到时间"),
                    type="datetime",
                    example="2020-03-05 09:12",
                ),
                Column(
                    "accepted_at",
                    "接单时间",
                    "accepted_at",
                    False,
                    "未接单留空",
                    "empty if not accepted",
                    type="datetime",
                    example="2020-03-05 10:02",
                ),
                Column(
                    "accept_due_at",
                    "接单时限",
                    "accept_due_at",
                    False,
                    "按期接单的截止时间，可空（默认派单后24小时）",
                    "deadline to accept; default 24 h after received",
                    aliases=("接单截止时间",),
                    type="datetime",
                    example="2020-03-06 09:12",
                ),
                Column(
                    "closed_at",
                    "办结时间",
                    "closed_at",
                    False,
                    "未办结留空",
                    "empty if not closed",
                    type="datetime",
                    example="2020-03-09 16:40",
                ),
                Column(
                    "state",
                    "工单状态",
                    "state",
                    False,
                    "如：已办结、处理中",
                    "e.g. 已办结, 处理中",
                    aliases=("状态",),
                    example="已办结",
                ),
            ),
            identity=("project", "ticket_id"),
            replaces=("project_id", "month"),
            month_from="received_at",
        ),
        Kind(
            KindName.OPINION_EVENT,
            "舆情事件",
            "public-opinion events",
            "opinion_event",
            (
                PROJECT,
                Column("event_id", "事件编号", "event_id", True, "本单位编号", "your own number", example="YQ2020-015"),
                Column(
                    "level",
                    "舆情级别",
                    "level",
                    True,
                    "热点 / 负面 / 重大 / 一般",
                    "hot / negative / major / normal",
                    type="choice",
                    choices=EVENT_LEVELS,
                    example="负面",
                ),
                Column("title", "事件摘要", "summary", False, "可空", "optional", example="某赛事票务投诉"),
                Column(
                    "appeared_at",
                    "出现时间",
                    "appeared_at",
                    True,
                    "YYYY-MM-DD HH:MM",
                    "YYYY-MM-DD HH:MM",
                    aliases=("发生时间",),
                    type="datetime",
                    example="2020-05-12 08:05",
                ),
                Column(
                    "detected_at",
                    "发现时间",
                    "detected_at",
                    True,
                    "YYYY-MM-DD HH:MM",
                    "YYYY-MM-DD HH:MM",
                    type="datetime",
                    example="2020-05-12 08:31",
                ),
                Column(
                    "reported_at",
                    "上报时间",
                    "reported_at",
                    True,
                    "YYYY-MM-DD HH:MM",
                    "YYYY-MM-DD HH:MM",
                    type="datetime",
                    example="2020-05-12 08:52",
                ),
            ),
            identity=("project", "event_id"),
            replaces=("project_id", "month"),
            month_from="appeared_at",
            examples=(("project", "上海体育宣传服务经费"),),
        ),
        Kind(
            KindName.OPINION_HOURS,
            "舆情监控时长",
            "monitoring hours",
            "opinion_hours",
            (
                PROJECT,
                Column("day", "日期", "date", True, "YYYY-MM-DD", "YYYY-MM-DD", type="date", example="2020-05-12"),
                Column(
                    "hours",
                    "监控时长（小时）",
                    "hours_monitored",
                    True,
                    "当日人工加系统监控小时数，0–24",
                    "hours monitored, 0–24",
                    aliases=("监控时长", "监控小时数"),
                    type="number",
                    example="15.5",
                ),
            ),
            identity=("project", "day"),
            replaces=("project_id", "month"),
            month_from="day",
            examples=(("project", "上海体育宣传服务经费"),),
        ),
        Kind(
            KindName.VISITORS,
            "博物馆参观",
            "museum visitors",
            "visitors_month",
            (
                PROJECT,
                MONTH,
                Column(
                    "visitors",
                    "参观人数",
                    "visitors",
                    True,
                    "当月参观人数（人次）；上年各月作为基期一并上传",
                    "visitors in the month; upload last year's months as the baseline",
                    aliases=("参观人次",),
                    type="count",
                    example="3200",
                ),
                Column(
                    "visits",
                    "参观次数",
                    "visits",
                    True,
                    "当月接待参观批次（团体及个人）",
                    "visits (groups and individual)",
                    aliases=("接待批次", "参观批次"),
                    type="count",
                    example="410",
                ),
            ),
            identity=("project", "month"),
            replaces=("project_id", "month"),
            baseline_year_ok=True,
            examples=(("project", "上海体育文史业务经费"),),
        ),
        Kind(
            KindName.DELIVERABLES,
            "产出数量",
            "deliverables",
            "deliverable_month",
            (
                PROJECT,
                MONTH,
                Column(
                    "item",
                    "事项",
                    "item",
                    True,
                    "如：党校微课堂、党校干部培训、体荟魔都主题活动",
                    "e.g. 党校微课堂",
                    aliases=("产出事项", "工作事项"),
                    example="党校微课堂",
                ),
                Column(
                    "count",
                    "数量",
                    "count",
                    False,
                    "当月完成数量；或改填“累计数量”",
                    "completed in the month; or give count_to_date instead",
                    aliases=("当月数量", "完成数量"),
                    type="count",
                    example="4",
                ),
                Column(
                    "count_to_date",
                    "累计数量",
                    "count_to_date",
                    False,
                    "1月至当月累计完成数量，代替“数量”，覆盖1月至当月",
                    "completed from January to the month, instead of the month's count; covers months 1…m",
                    aliases=("累计完成数量",),
                    type="count",
                    example="",
                ),
                NOTE,
            ),
            identity=("project", "item", "month"),
            replaces=("project_id", "item", "month"),
            one_of=(("count", "count_to_date"),),
            examples=(("project", "上海体育系统人员培训经费"),),
        ),
        Kind(
            KindName.INDICATOR_VALUES,
            "指标值与评级",
            "indicator values and ratings",
            "indicator_value",
            (
                PROJECT,
                INDICATOR,
                MONTH,
                Column(
                    "value",
                    "实际值",
                    "value",
                    False,
                    "数值指标的累计实际值；百分比可写 98 或 98%；给出评级时也可写文字（如“已完成验收”），记入备注",
                    "the value to date; with a rating, words are accepted too (kept as the note)",
                    aliases=("实际完成值",),
                    type="number_or_text",
                    example="96.5",
                ),
                Column(
                    "rating",
                    "评级",
                    "rating",
                    False,
                    "达成 / 部分达成 / 未达成（或 data/vocabulary.toml [ratings] 中的同义词，如 全部完成、部分完成、未完成）",
                    "achieved / partial / missed (or a synonym listed in data/vocabulary.toml [ratings])",
                    aliases=("完成情况",),
                    type="choice",
                    choices=RATINGS,
                    example="达成",
                ),
                Column(
                    "likelihood",
                    "完成目标可能性",
                    "likelihood",
                    False,
                    "确定能 / 有可能 / 不可能",
                    "certain / possible / impossible",
                    type="choice",
                    choices=LIKELIHOODS,
                    example="确定能",
                ),
                Column(
                    "deviation_reason",
                    "偏差原因",
                    "deviation_reason",
                    False,
                    "有可能、不可能时必填",
                    "required for possible / impossible",
                    aliases=("偏差原因分析",),
                ),
                Column(
                    "measures",
                    "纠偏措施",
                    "measures",
                    False,
                    "有可能、不可能时必填",
                    "required for possible / impossible",
                    aliases=("改进措施",),
                ),
                Column(
                    "evidence",
                    "佐证材料",
                    "evidence",
                    False,
                    "文件名或链接",
                    "file name or link",
                    aliases=("证明材料",),
                ),
                NOTE,
            ),
            identity=("project", "indicator", "month"),
            replaces=("indicator_id", "month"),
        ),
        Kind(
            KindName.SUMMARY,
            "年度总体目标完成情况",
            "overall goal: what was achieved",
            "project_summary",
            (
                PROJECT,
                MONTH,
                Column(
                    "summary",
                    "实际完成情况",
                    "achieved",
                    True,
                    "年度总体目标的实际完成情况（自评表用）",
                    "what the year achieved against its overall goal (for the self-evaluation)",
                    aliases=("总体目标完成情况",),
                    example="全年完成各项培训任务……",
                ),
            ),
            identity=("project", "month"),
            replaces=("project_id", "month"),
            examples=(("project", "上海体育系统人员培训经费"), ("month", "2020-12")),
        ),
        Kind(
            KindName.REFERENCE,
            "基期值与参考值",
            "baselines and references",
            "reference_value",
            (
                PROJECT,
                INDICATOR,
                MONTH,
                Column(
                    "ref_type",
                    "类型",
                    "type",
                    True,
                    "基期值（上年同期）/ 参考值（如全市平均）",
                    "baseline / reference",
                    type="choice",
                    choices=REFERENCE_TYPES,
                    example="参考值",
                ),
                Column("value", "数值", "value", True, "", "", aliases=("值",), type="percent", example="85"),
                NOTE,
            ),
            identity=("project", "indicator", "month", "ref_type"),
            replaces=("indicator_id", "month", "ref_type"),
            examples=(("project", "上海市体育局信息技术保障经费"), ("indicator", "政府资源开放工作评估")),
        ),
        Kind(
            KindName.BUDGET_ADJUSTMENT,
            "预算调整",
            "budget adjustment",
            "budget_adjustment",
            (
                PROJECT,
                replace(MONTH, zh="生效月份", en="effective_month", aliases=("月份", "调整月份", "month")),
                Column(
                    "budget",
                    "调整后预算数（元）",
                    "adjusted_budget",
                    True,
                    "调整后的全年预算数，元；自生效月份起用于执行率",
                    "the year's budget after the adjustment, yuan; used from the effective month",
                    aliases=("调整后预算数", "调整后全年预算数"),
                    type="money",
                    example="3500000.00",
                ),
                Column(
                    "reason",
                    "调整原因",
                    "reason",
                    True,
                    "预算调整的原因",
                    "why the budget was adjusted",
                    example="展厅改建期间闭馆，部分经费收回",
                ),
                Column(
                    "approval",
                    "批准文号",
                    "approval",
                    False,
                    "可空",
                    "optional",
                    aliases=("文号",),
                    example="",
                ),
            ),
            identity=("project", "month"),
            replaces=("project_id", "month"),
            examples=(("project", "上海体育文史业务经费"), ("month", "2020-07")),
        ),
        Kind(
            KindName.TARGET_REVISION,
            "绩效目标调整",
            "target revision",
            "target_revision",
            (
                PROJECT,
                INDICATOR,
                replace(MONTH, zh="生效月份", en="effective_month", aliases=("月份", "调整月份", "month")),
                Column(
                    "target_text",
                    "调整后指标值",
                    "revised_target",
                    True,
                    "调整后的指标值，写法同目标表，如 >=90%",
                    "the revised target, written as in the target table, e.g. >=90%",
                    aliases=("调整后目标值", "调整后指标目标值"),
                    example=">=90%",
                ),
                Column(
                    "reason",
                    "调整原因",
                    "reason",
                    True,
                    "绩效目标调整的原因（经批准）",
                    "why the target was revised (approved)",
                    example="展厅改建，年度参观目标相应调整",
                ),
            ),
            identity=("project", "indicator", "month"),
            replaces=("indicator_id", "month"),
            examples=(("project", "上海体育文史业务经费"), ("indicator", "体育藏品收购"), ("month", "2020-09")),
            derived=("kind", "operator", "target_value", "unit"),
        ),
    )
}
assert set(KINDS) == set(KindName), "every upload kind has one spec"


def required_keys(kind: Kind) -> set[str]:
    return {c.key for c in kind.columns if c.required}


# -- what each value may be --------------------------------------------------------------------
# Every cell is checked against a range that fits its column in the database and its meaning,
# before anything is written, so a preview never passes a row the write would refuse.


@dataclass(frozen=True)
class Range:
    """The values a column accepts: ``low`` ≤ value ≤ ``high``, and how to say so to a person."""

    low: float
    high: float
    shown: str  # the range as a person reads it, without the unit
    unit_zh: str = ""
    unit_en: str = ""

    def params(self) -> dict[str, str]:
        return {"range": self.shown, "unit_zh": self.unit_zh, "unit_en": self.unit_en}


# Amounts go to DECIMAL(18, 2) columns (less than 10^16), but an upload's amount is read as a double,
# and DuckDB turns a double into DECIMAL exactly only while its cents fit 2^53 (about 9×10^13 元):
# 9,999,999,999,999,998 would be stored as …997.44.  So an amount stops below 10^13 (ten trillion
# yuan, more than any project spends in a month), where every cent is stored as written.
MONEY = Range(0, 9_999_999_999_999.99, "0–9,999,999,999,999.99", " 元", " yuan")
# INTEGER columns hold up to 2,147,483,647; one project's month never counts a hundred million
# tickets, visitors or deliverables, so more than that is a typo (an extra digit, a pasted id).
COUNT = Range(0, 100_000_000, "0–100,000,000")
# An indicator's value, baseline or reference (DOUBLE): a percentage is 0–100 (the indicator's unit
# says so), a score at most its full marks, anything else at most a trillion — beyond that a
# double prints in exponent form or with hundreds of digits in the 自评表.
VALUE = Range(0, 1e12, "0–1,000,000,000,000")
PERCENT_MAX = 100.0
SCORE_UNITS = ("分",)  # a score is out of 100, or of its target when that is higher (no table states full marks)
SCORE_SCALE = 100.0
RANGES = {"money": MONEY, "count": COUNT}
TEXT_MAX = 10_000  # characters in one text cell (an 实际完成情况 is a paragraph, not a book)
