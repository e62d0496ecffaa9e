"""Upload templates with an example row, generated from the same column specs the readers use.

The example row's 项目名称 starts with ``ingest.examples.EXAMPLE_MARK`` (示例：…), so an unedited
template is refused with "请先删除示例行" instead of overwriting real figures (issue 14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from ingest.actual_kinds import KINDS
from ingest.examples import EXAMPLE_PREFIX
from ingest.spreadsheet import write_sheet
from ingest.target_records import IndicatorRecord, ProjectRecord
from ingest.target_table import write_target_table

TEMPLATE_KINDS = ("targets", *(str(k) for k in KINDS))

EXAMPLE_PROJECT = ProjectRecord(
    year=2021,
    name=EXAMPLE_PREFIX + "项目名称（请替换）",
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


def template_name(kind: str, suffix: str) -> str:
    return f"{kind}_template{suffix}"


def write_template(kind: str, path: Path) -> Path:
    """The upload file for ``kind`` with one example row (CSV or XLSX by the file's suffix)."""
    if kind == "targets":
        return write_target_table([EXAMPLE_PROJECT], path)
    spec = KINDS[kind]
    note = (
        f"{spec.zh}：每行一条记录。第2行是示例行（项目名称以“示例”开头），上传前请先删除示例行，"
        "否则整个文件不会载入。重新上传同一月份会替换该月数据，旧版本保留在历史中。"
    )
    return write_sheet(path, spec.zh, list(spec.columns), [example_row(kind)], note)


def example_row(kind: str) -> list[str]:
    """The kind's example row with its 项目名称 marked (示例：上海体育公共服务经费): never loadable as it stands."""
    spec = KINDS[kind]
    row = spec.example_row()
    at = [c.key for c in spec.columns].index("project")
    row[at] = EXAMPLE_PREFIX + row[at]
    return row


def write_all_templates(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_template(k, folder / template_name(k, s)) for k in TEMPLATE_KINDS for s in (".csv", ".xlsx")]
