"""The status table as CSV and as XLSX with each light as the cell's colour.

The XLSX holds real numbers with real formats (money #,##0.00, shares 0.0%, counts #,##0, hours as 1小时22分),
so a leader sees 97.5% and can still sum a column; the CSV keeps plain numbers for machines (执行率 0.975).
Both say 是/否 for 有风险 and have Chinese headers in Chinese (docs/design.md, "Numbers on screen").
"""

from __future__ import annotations

import csv
import io

from core.numbers import yes_no
from ingest.spreadsheet import neutralize
from metrics.status import STATUS_LABELS, StatusReport, status_rows

FILLS = {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE", "blue": "#BDD7EE", "grey": "#E7E6E6"}
HEADERS = {
    "zh": [
        "月份",
        "项目",
        "项目状态",
        "当年预算（元）",
        "累计执行（元）",
        "执行率",
        "时间进度",
        "预算执行状态",
        "一级目标",
        "二级目标",
        "三级指标",
        "目标值",
        "截至当月实际",
        "应达",
        "状态",
        "有风险",
        "说明",
    ],
    "en": [
        "month",
        "project",
        "project light",
        "budget",
        "executed to date",
        "execution rate",
        "time progress",
        "budget light",
        "level 1",
        "level 2",
        "indicator",
        "target",
        "actual to date",
        "expected",
        "light",
        "at risk",
        "explanation",
    ],
}
LIGHT_COLUMNS = ("project_status", "budget_status", "status")
MONEY_COLUMNS = ("budget", "executed_to_date")
SHARE_COLUMNS = ("execution_rate", "time_progress")  # shares 0–1
VALUE_COLUMNS = ("actual", "expected")  # in the indicator's unit
# Real number formats: the cell holds the number, Excel shows it as people write it (docs/design.md, "Numbers on screen")
MONEY, PERCENT, COUNT, DECIMAL = "#,##0.00", "0.0%", "#,##0", "#,##0.00"
HOURS = '[h]"小时"mm"分"'  # a duration cell holds days (Excel's time): hours ÷ 24


def _rows(report: StatusReport, lang: str) -> list[tuple[dict, str | None]]:
    """The flat rows of ``status_rows`` with each indicator's unit beside them (same order)."""
    units = [i.actual_unit for p in report.projects for i in p.indicators]
    return list(zip(status_rows(report, lang), units, strict=True))


def _cells(report: StatusReport, lang: str) -> list[list]:
    """Rows for the CSV: lights as words, 有风险 as 是/否, numbers as they are (machine-readable)."""
    labels = STATUS_LABELS[lang]
    out = []
    for row, _ in _rows(report, lang):
        out.append(
            [labels[v] if k in LIGHT_COLUMNS else yes_no(v, lang) if k == "at_risk" else v for k, v in row.items()]
        )
    return out


def status_csv(report: StatusReport, lang: str = "zh") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS[lang])
    writer.writerows(
        ["" if v is None else (neutralize(v) if isinstance(v, str) else v) for v in row] for row in _cells(report, lang)
    )
    return buffer.getvalue().encode("utf-8-sig")


def _number(key: str, value: float, unit: str | None) -> tuple[float, str]:
    """The number a cell holds and its format: money, a share as a percent, a value in its unit."""
    if key in MONEY_COLUMNS:
        return value, MONEY
    if key in SHARE_COLUMNS:
        return value, PERCENT
    unit = (unit or "").strip()
    if key in VALUE_COLUMNS and unit == "%":
        return value / 100, PERCENT
    if key in VALUE_COLUMNS and unit in ("小时", "h", "hours"):
        return value / 24, HOURS
    return value, COUNT if float(value).is_integer() else DECIMAL


def status_xlsx(report: StatusReport, lang: str = "zh") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet(report.month)
    base = {"border": 1, "valign": "top"}
    head = wb.add_format(base | {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
    text = wb.add_format(base | {"text_wrap": True})
    fills = {s: wb.add_format(base | {"bg_color": c}) for s, c in FILLS.items()}
    numbers = {f: wb.add_format(base | {"num_format": f}) for f in (MONEY, PERCENT, COUNT, DECIMAL, HOURS)}
    labels = STATUS_LABELS[lang]
    rows = _rows(report, lang)
    for c, h in enumerate(HEADERS[lang]):
        ws.write_string(0, c, h, head)
    for r, (row, unit) in enumerate(rows, start=1):
        for c, (key, value) in enumerate(row.items()):
            if key in LIGHT_COLUMNS:
                ws.write_string(r, c, labels[value], fills[value])
            elif key == "at_risk":
                ws.write_string(r, c, yes_no(value, lang), text)
            elif value is None:
                ws.write_blank(r, c, None, text)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                number, fmt = _number(key, float(value), unit)
                ws.write_number(r, c, number, numbers[fmt])
            else:
                ws.write_string(r, c, str(value), text)  # text stays text: "=100%" is never a formula
    widths = [8, 26, 8, 14, 14, 8, 8, 8, 10, 10, 26, 22, 12, 10, 8, 6, 60]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(rows), len(HEADERS[lang]) - 1)
    wb.close()
    return buffer.getvalue()
