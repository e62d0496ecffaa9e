"""Empty upload templates with an example row, generated from the same column specs the readers use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ingest.target_records import IndicatorRecord, ProjectRecord
from ingest.target_table import write_target_table

EXAMPLE_PROJECT = ProjectRecord(
    year=2021,
    name="示例项目（请替换）",
    unit="上海市体育宣传教育中心",
    category="其他一次性项目",
    start_date=date(2021, 1, 1),
    end_date=date(2021, 12, 31),
    gov_purchase="否",
    perf_type="其他类",
    total_budget=Decimal("1000000"),
    budget=Decimal("1000000"),
    overview="1、项目背景：……2、项目内容：……3、项目架构：……",
    goals="总目标：……阶段性目标：上半年……，下半年……",
    indicators=[
        IndicatorRecord("产出目标", "数量", "党校微课堂", ">=48期"),
        IndicatorRecord("产出目标", "质量", "预算资金到位率", "=100%"),
        IndicatorRecord("产出目标", "时效", "课程推出频率", "及时"),
        IndicatorRecord("效果目标", "社会效益", "热线工单办结率", ">=95%"),
        IndicatorRecord("影响力目标", "长效管理", "参观人数", "同比提高"),
    ],
)


def write_targets_template(path: Path) -> Path:
    """The structured targets file with one example project (CSV or XLSX by the file's suffix)."""
    return write_target_table([EXAMPLE_PROJECT], path)
