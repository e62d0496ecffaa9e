"""The status table as CSV and as XLSX with each light as the cell's colour."""

from __future__ import annotations

import csv
import io

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


def _cells(report: StatusReport, lang: str) -> list[list]:
    labels = STATUS_LABELS[lang]
    out = []
    for row in status_rows(report, lang):
        out.append(
            [
                labels[v] if k in LIGHT_COLUMNS else ("是" if v and lang == "zh" else v) if k == "at_risk" else v
                for k, v in row.items()
            ]
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


def status_xlsx(report: StatusReport, lang: str = "zh") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet(report.month)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    text = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
    fills = {s: wb.add_format({"border": 1, "bg_color": c, "valign": "top"}) for s, c in FILLS.items()}
    rows = status_rows(report, lang)
    keys = list(rows[0]) if rows else []
    for c, h in enumerate(HEADERS[lang]):
        ws.write_string(0, c, h, head)
    for r, (row, cells) in enumerate(zip(rows, _cells(report, lang), strict=True), start=1):
        for c, (key, value) in enumerate(zip(keys, cells, strict=True)):
            fmt = fills[row[key]] if key in LIGHT_COLUMNS else text
            if value is None:
                ws.write_blank(r, c, None, fmt)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, fmt)
            else:
                ws.write_string(r, c, str(value), fmt)  # text stays text: "=100%" is never a formula
    widths = [8, 26, 8, 14, 14, 8, 8, 8, 10, 10, 26, 22, 12, 10, 8, 6, 60]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(rows), len(HEADERS[lang]) - 1)
    wb.close()
    return buffer.getvalue()
