"""What a target table says, as plain records: the parsers produce them, the writer stores them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ingest.problems import Problem

# Project fields in the order of the 绩效目标表, with their Chinese labels.
PROJECT_TEXT_FIELDS = {
    "unit": "申报单位名称",
    "name": "项目名称",
    "category": "项目类别",
    "gov_purchase": "是否含有政府购买服务",
    "perf_type": "绩效类型",
    "overview": "项目概况",
    "basis": "立项依据",
    "necessity": "项目设立的必要性",
    "measures": "保证项目实施的制度、措施",
    "plan": "项目实施计划",
    "goals": "总目标及阶段性目标",
    "department": "主管部门",
    "implementing_unit": "实施单位",
    "project_lead": "项目负责人",
    "project_type": "项目类型",
    "fund_use": "资金用途",
    "source": "项目来源",
}
PROJECT_DATE_FIELDS = {"start_date": "计划开始日期", "end_date": "计划完成日期"}
PROJECT_MONEY_FIELDS = {
    "total_budget": "项目总预算（元）",
    "budget": "项目当年预算（元）",
    "prev_budget": "同名项目上年预算额（元）",
    "prev_executed": "同名项目上年预算执行数（元）",
    "budget_initial": "年初预算数（元）",
    "budget_fiscal": "财政拨款（元）",
    "budget_other": "其他资金（元）",
}
WAN = Decimal(10000)  # an amount under a header that says （万元） is in ten thousands of yuan


# What a target table's numbers may be, whatever the reader (text export, CSV, XLSX).
YEARS = (2000, 2100)  # a budget year outside this is a typo (0000, 20200, 1920)
MONEY_MAX = Decimal("9999999999999999.99")  # DECIMAL(18, 2), the column every amount goes to
MONEY_RANGE = {"range": "0–9,999,999,999,999,999.99", "unit_zh": " 元", "unit_en": " yuan"}
WEIGHT_MAX = Decimal(100)  # 分值: points of a 100-point form


def year_problem(file: str, line: int | None, column: str | None, year: int, shown: str) -> Problem | None:
    """A 年度 outside ``YEARS``."""
    if YEARS[0] <= year <= YEARS[1]:
        return None
    return Problem(file, "year_range", line=line, column=column, value=shown, params=_bounds(*YEARS))


def money_problem(file: str, line: int | None, column: str, value: Decimal, shown: str) -> Problem | None:
    """An amount that would not fit its DECIMAL(18, 2) column (a negative one is ``negative``)."""
    if value < 0:
        return Problem(file, "negative", line=line, column=column, value=shown)
    if value > MONEY_MAX:
        return Problem(file, "out_of_range", line=line, column=column, value=shown, params=MONEY_RANGE)
    return None


def weight_problem(file: str, line: int | None, value: Decimal, shown: str) -> Problem | None:
    """分值 is a finite number of points above 0 and at most 100 (``1e309`` would be stored as infinity)."""
    if value.is_finite() and 0 < value <= WEIGHT_MAX:
        return None
    return Problem(file, "weight_range", line=line, column="分值", value=shown, params={"high": f"{WEIGHT_MAX:g}"})


def _bounds(low: int, high: int) -> dict[str, str]:
    return {"low": str(low), "high": str(high)}


@dataclass
class IndicatorRecord:
    """One row of the indicator table: three levels and the verbatim target text."""

    level1: str
    level2: str
    level3: str
    target: str
    line: int | None = None
    weight: float | None = None
    level_weight: float | None = None  # the 分值 its 一级 label prints, "产出指标（50分）" → 50


@dataclass
class ProjectRecord:
    """One project's target table."""

    year: int
    name: str
    unit: str = ""
    category: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    gov_purchase: str | None = None
    perf_type: str | None = None
    overview: str | None = None
    basis: str | None = None
    necessity: str | None = None
    measures: str | None = None
    plan: str | None = None
    goals: str | None = None
    total_budget: Decimal | None = None
    budget: Decimal | None = None
    prev_budget: Decimal | None = None
    prev_executed: Decimal | None = None
    budget_initial: Decimal | None = None  # 年初预算数 (年度资金总额 as filed); ``budget`` is 全年预算数
    budget_fiscal: Decimal | None = None  # 其中：财政拨款
    budget_other: Decimal | None = None  # 其他资金
    department: str | None = None  # 主管部门 (its code, "[042]", left out)
    implementing_unit: str | None = None  # 实施单位
    project_lead: str | None = None  # 项目负责人
    project_type: str | None = None  # 项目类型 (the ticked item of its checkbox list)
    fund_use: str | None = None  # 资金用途
    source: str | None = None  # 项目来源
    missing: list[str] = field(default_factory=list)  # the cells a 不完整 table left empty, each named
    indicators: list[IndicatorRecord] = field(default_factory=list)
    line: int | None = None
    warnings: list[str] = field(default_factory=list)  # loaded anyway, and said (a total that disagrees…)

    @property
    def complete(self) -> bool:
        """不完整 when any cell of the table is missing (docs/domain.md §9)."""
        return not self.missing

    def settle_budget(self, cells: dict[str, str]) -> None:
        """年初预算数 and 全年预算数 default to each other; the parts (财政拨款 + 其他资金) are checked
        against the total, and a zero total next to filled parts takes their sum, with a warning."""
        parts = None
        if self.budget_fiscal is not None or self.budget_other is not None:
            parts = (self.budget_fiscal or Decimal(0)) + (self.budget_other or Decimal(0))
        if parts and not self.budget_initial and not self.budget:
            self.warnings.append(
                f"项目“{self.name}”：{cells['budget_initial']}为空或为0，财政拨款与其他资金合计{parts:,.2f}元，已按合计计"
            )
            self.budget_initial = parts
        elif (
            parts is not None
            and self.budget_initial is not None
            and abs(self.budget_initial - parts) > Decimal("0.005")
        ):
            self.warnings.append(
                f"项目“{self.name}”：{cells['budget_initial']}{self.budget_initial:,.2f}元与"
                f"{cells['budget_fiscal']}、{cells['budget_other']}合计{parts:,.2f}元不一致"
            )
        if self.budget_initial is None:
            self.budget_initial = self.budget
        if self.budget is None:
            self.budget = self.budget_initial


def split_overview(overview: str | None) -> tuple[str | None, str | None, str | None]:
    """项目概况 → (背景, 内容, 架构), by its numbered parts "1、项目背景：… 2、…内容：… 3、…架构：…".

    An overview written otherwise is kept whole as the background.
    """
    if not overview:
        return None, None, None
    m = re.search(
        r"1[、.．]\s*(?:项目)?背景[：:](?P<bg>.*?)2[、.．]\s*(?:项目)?(?:实施)?内容[：:](?P<content>.*?)"
        r"(?:3[、.．]\s*(?:项目|组织)?架构[：:](?P<structure>.*))?$",
        overview,
        flags=re.S,
    )
    if not m:
        return overview, None, None
    parts = (m.group("bg"), m.group("content"), m.group("structure"))
    return tuple(p.strip() if p else None for p in parts)
