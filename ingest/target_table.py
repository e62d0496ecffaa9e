"""The structured targets file: one row per indicator, CSV or XLSX with the same columns.

A person edits it for next year in Excel.  Project columns may be left blank on a
project's later rows (they mean "same as above"); if filled they must agree.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.config import Limits
from core.names import normalise_name
from ingest.problems import Problem
from ingest.spreadsheet import write_sheet
from ingest.tables import Column, Table, read_table
from ingest.target_records import (
    PROJECT_DATE_FIELDS,
    PROJECT_MONEY_FIELDS,
    PROJECT_TEXT_FIELDS,
    WAN,
    IndicatorRecord,
    ProjectRecord,
    money_problem,
    weight_problem,
    year_problem,
)
from ingest.target_text import parse_date, parse_money


def wan(*labels: str) -> tuple[str, ...]:
    """The same amounts with a header in 万元 (converted exactly on reading)."""
    return tuple(f"{label}（万元）" for label in labels)


PROJECT_COLUMNS = [
    Column("year", "年度", "year", True, "预算年度，四位数字", "budget year, four digits"),
    Column("unit", "申报单位名称", "unit", True, "申报单位全称", "the reporting unit", aliases=("申报单位",)),
    Column("name", "项目名称", "project", True, "项目全称，每个项目一致", "the project's full name", aliases=("name",)),
    Column("category", "项目类别", "category", help_zh="如：其他一次性项目", help_en="e.g. 其他一次性项目"),
    Column("start_date", "计划开始日期", "start_date", help_zh="YYYY-MM-DD", help_en="YYYY-MM-DD"),
    Column("end_date", "计划完成日期", "end_date", help_zh="YYYY-MM-DD", help_en="YYYY-MM-DD"),
    Column("gov_purchase", "是否含有政府购买服务", "gov_purchase", help_zh="是 / 否", help_en="是 / 否"),
    Column("perf_type", "绩效类型", "performance_type"),
    Column(
        "department",
        "主管部门",
        "department",
        help_zh="如：上海市体育局",
        help_en="the supervising department",
        aliases=("主管部门及代码",),
    ),
    Column(
        "implementing_unit", "实施单位", "implementing_unit", help_zh="空则同申报单位", help_en="defaults to the unit"
    ),
    Column("project_lead", "项目负责人", "project_lead", aliases=("项目责任人",)),
    Column("project_type", "项目类型", "project_type", help_zh="如：经常性专项业务费", help_en="e.g. 经常性专项业务费"),
    Column("fund_use", "资金用途", "fund_use"),
    Column("source", "项目来源", "source"),
    Column("total_budget", "项目总预算（元）", "total_budget", help_zh="元，数字", help_en="yuan, a number"),
    Column(
        "budget",
        "项目当年预算（元）",
        "budget",
        help_zh="全年预算数（调整后），元；空则同年初预算数；表头写（万元）则按万元",
        help_en="the year's budget after adjustments, yuan; defaults to the initial budget; 万元 when the header says so",
        aliases=("全年预算数（元）", "全年预算数", *wan("项目当年预算", "全年预算数")),
    ),
    Column(
        "budget_initial",
        "年初预算数（元）",
        "budget_initial",
        help_zh="年初预算数（年度资金总额），元；空则同全年预算数",
        help_en="the budget as filed at the start of the year (年度资金总额), yuan",
        aliases=("年初预算数", "年度资金总额（元）", "年度资金总额", *wan("年初预算数", "年度资金总额")),
    ),
    Column(
        "budget_fiscal",
        "财政拨款（元）",
        "budget_fiscal",
        help_zh="其中：财政拨款，元，可空",
        help_en="of which: fiscal appropriation, yuan, optional",
        aliases=("财政拨款", "当年财政拨款", "其中：财政拨款", "其中：当年财政拨款", *wan("财政拨款", "当年财政拨款")),
    ),
    Column(
        "budget_other",
        "其他资金（元）",
        "budget_other",
        help_zh="其他资金，元，可空；年度资金总额 = 财政拨款 + 其他资金",
        help_en="other funds, yuan, optional; total = fiscal + other",
        aliases=("其他资金", *wan("其他资金")),
    ),
    Column("prev_budget", "同名项目上年预算额（元）", "prev_budget", help_zh="元，可空", help_en="yuan, may be empty"),
    Column(
        "prev_executed",
        "同名项目上年预算执行数（元）",
        "prev_executed",
        help_zh="元，可空",
        help_en="yuan, may be empty",
    ),
    Column(
        "overview",
        "项目概况",
        "overview",
        help_zh="含 1、项目背景 2、项目内容 3、项目架构",
        help_en="background, content, structure",
    ),
    Column("basis", "立项依据", "basis"),
    Column("necessity", "项目设立的必要性", "necessity"),
    Column("measures", "保证项目实施的制度、措施", "measures"),
    Column("plan", "项目实施计划", "plan"),
    Column("goals", "总目标及阶段性目标", "goals"),
]
INDICATOR_COLUMNS = [
    Column(
        "level1",
        "一级目标",
        "level1",
        True,
        "产出目标 / 效果目标 / 影响力目标 等",
        "产出目标 / 效果目标 / 影响力目标 …",
        aliases=("一级指标",),
    ),
    Column(
        "level2",
        "二级目标",
        "level2",
        True,
        "数量 / 质量 / 时效 / 成本 / 社会效益 等",
        "数量 / 质量 / 时效 …",
        aliases=("二级指标",),
    ),
    Column("level3", "三级目标", "level3", True, "指标名称", "the indicator's name", aliases=("三级指标", "indicator")),
    Column(
        "target",
        "指标目标值",
        "target",
        True,
        "原文照录，如 >=98%、及时、同比提高",
        "verbatim, e.g. >=98%, 及时, 同比提高",
        aliases=("年度指标值",),
    ),
    Column(
        "level_weight",
        "一级指标分值",
        "level1_points",
        help_zh="一级指标的分值，如“产出指标（50分）”的 50，可空",
        help_en="the points the 一级 label prints, e.g. 50 for 产出指标（50分）; may be empty",
    ),
    Column(
        "weight",
        "分值",
        "weight",
        help_zh="自评分值，可空（按默认权重分配）",
        help_en="self-evaluation points, may be empty",
    ),
]
TARGET_COLUMNS = PROJECT_COLUMNS + INDICATOR_COLUMNS
_PROJECT_KEYS = [c.key for c in PROJECT_COLUMNS]
_NAME_KEYS = ("name", "level1", "level2", "level3")  # stored in their normal form (core.names)


def parse_target_table(
    path: Path, display_name: str | None = None, limits: Limits | None = None
) -> tuple[list[ProjectRecord], list[Problem]]:
    """Projects and indicators of a structured targets file, with every problem found (read within ``limits``)."""
    table, problems = read_table(path, TARGET_COLUMNS, display_name, formulas_as_text=True, limits=limits)
    if problems:
        return [], problems
    if not table.lines:  # a header alone (blank rows are dropped on reading)
        return [], [Problem(table.file, "no_data_rows")]
    return _records(table)


def _records(table: Table) -> tuple[list[ProjectRecord], list[Problem]]:
    file = table.file
    problems: list[Problem] = []
    projects: dict[tuple, ProjectRecord] = {}
    first_values: dict[tuple, tuple[int, dict]] = {}
    for line, row in table.rows:
        row = {**row, **{k: normalise_name(row.get(k)) for k in _NAME_KEYS}}  # "A  B" and "A B" are one name
        year_text = row.get("year", "")
        if not (year_text.isdigit() and len(year_text) == 4):
            problems.append(Problem(file, "not_a_year", line=line, column="年度", value=year_text))
            continue
        wrong_year = year_problem(file, line, "年度", int(year_text), year_text)
        if wrong_year:
            problems.append(wrong_year)
            continue
        if not row.get("name"):
            problems.append(Problem(file, "required", line=line, column="项目名称"))
            continue
        key = (int(year_text), row["name"])
        if key not in projects:
            project, found = _project(file, line, row, table.headers)
            problems.extend(found)
            projects[key] = project
            first_values[key] = (line, row)
        else:
            first_line, first_row = first_values[key]
            for col in PROJECT_COLUMNS:
                value = row.get(col.key, "")
                if value and value != first_row.get(col.key, ""):
                    problems.append(
                        Problem(
                            file,
                            "inconsistent_project",
                            line=line,
                            column=col.zh,
                            value=value,
                            params={"column": col.zh, "other": first_line, "expected": first_row.get(col.key, "")},
                        )
                    )
        indicator, found = _indicator(file, line, row)
        problems.extend(found)
        if indicator:
            projects[key].indicators.append(indicator)
    return list(projects.values()), problems


def _project(file: str, line: int, row: dict, headers: dict[str, str]) -> tuple[ProjectRecord, list[Problem]]:
    problems = []
    cells = {key: headers.get(key, label) for key, label in PROJECT_MONEY_FIELDS.items()}
    project = ProjectRecord(year=int(row["year"]), name=row["name"], line=line)
    for key in PROJECT_TEXT_FIELDS:
        if key != "name" and row.get(key):
            setattr(project, key, row[key])
    for key, label in PROJECT_DATE_FIELDS.items():
        value = parse_date(row.get(key, ""))
        if value is False:
            problems.append(Problem(file, "not_a_date", line=line, column=label, value=row.get(key)))
        else:
            setattr(project, key, value)
    for key, label in PROJECT_MONEY_FIELDS.items():
        value = parse_money(row.get(key, ""))
        wrong = (
            Problem(file, "not_a_number", line=line, column=label, value=row.get(key))
            if value is False
            else value is not None and money_problem(file, line, label, value, row.get(key, ""))
        )
        if wrong:
            problems.append(wrong)
        else:
            in_wan = value is not None and "万元" in cells[key]
            setattr(project, key, value * WAN if in_wan else value)
    project.settle_budget(cells)
    said = {PROJECT_MONEY_FIELDS["budget"], PROJECT_MONEY_FIELDS["budget_initial"]}
    if project.budget is None and not any(p.column in said for p in problems):
        problems.append(Problem(file, "required", line=line, column=PROJECT_MONEY_FIELDS["budget"]))
    return project, problems


def _indicator(file: str, line: int, row: dict) -> tuple[IndicatorRecord | None, list[Problem]]:
    problems = [
        Problem(file, "required", line=line, column=c.zh)
        for c in INDICATOR_COLUMNS
        if c.required and not row.get(c.key)
    ]
    if problems:
        return None, problems
    # a bad 分值 is reported, and the indicator still counts as there
    weight = _points(file, line, row.get("weight"), "分值", problems)
    level_weight = _points(file, line, row.get("level_weight"), "一级指标分值", problems)
    return IndicatorRecord(
        row["level1"],
        row["level2"],
        row["level3"],
        row["target"],
        line=line,
        weight=float(weight) if weight is not None else None,
        level_weight=float(level_weight) if level_weight is not None else None,
    ), problems


def _points(file: str, line: int, raw: str | None, column: str, problems: list[Problem]) -> Decimal | None:
    """A 分值 cell: its points, or None when empty or bad (the reason appended to ``problems``)."""
    if not raw:
        return None
    points = parse_money(raw)
    if points is False:
        problems.append(Problem(file, "not_a_number", line=line, column=column, value=raw))
        return None
    if wrong := weight_problem(file, line, points, raw):
        problems.append(wrong)
        return None
    return points


def _row_values(project: ProjectRecord, indicator: IndicatorRecord) -> list[str]:
    def text(value) -> str:
        if value is None:
            return ""
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    values = [text(getattr(project, key)) for key in _PROJECT_KEYS]
    weight = "" if indicator.weight is None else f"{indicator.weight:g}"
    level_weight = "" if indicator.level_weight is None else f"{indicator.level_weight:g}"
    return values + [indicator.level1, indicator.level2, indicator.level3, indicator.target, level_weight, weight]


def write_target_table(projects: list[ProjectRecord], path: Path) -> Path:
    """Write projects as the structured targets file (``.csv`` UTF-8 with BOM for Excel, or ``.xlsx``)."""
    rows = [_row_values(p, ind) for p in projects for ind in p.indicators]
    note = "每行一个指标；同一项目的项目列可只在第一行填写，其余行留空表示相同。"
    return write_sheet(path, "绩效目标", TARGET_COLUMNS, rows, note)
