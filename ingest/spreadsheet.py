"""Write an upload format as a spreadsheet a person fills in: CSV for Excel, or XLSX with a 填写说明 sheet."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.tables import Column

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ …) gets a leading apostrophe; numbers stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def write_sheet(path: Path, sheet: str, columns: list[Column], rows: list[list[str]], note: str = "") -> Path:
    """Header in Chinese, then ``rows``; ``.csv`` is UTF-8 with BOM (Excel opens it right), else XLSX."""
    header = [c.zh for c in columns]
    if path.suffix.lower() != ".xlsx":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([neutralize(v) for v in row] for row in rows)
        return path
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@", "valign": "top"})
    for col, title in enumerate(header):
        ws.write_string(0, col, title, head)
        ws.set_column(col, col, max(12, min(40, 2 * len(title) + 2)), text)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            ws.write_string(r, col, str(value), text)  # strings stay strings: "=100%" is no formula
    ws.freeze_panes(1, 0)
    help_ws = wb.add_worksheet("填写说明")
    help_ws.write_row(0, 0, ["列名", "Column", "必填", "说明", "Notes"], head)
    for r, col in enumerate(columns, start=1):
        help_ws.write_row(r, 0, [col.zh, col.en, "是" if col.required else "", col.help_zh, col.help_en])
    if note:
        help_ws.write(len(columns) + 2, 0, note)
    help_ws.set_column(0, 0, 28)
    help_ws.set_column(1, 1, 18)
    help_ws.set_column(3, 4, 44)
    wb.close()
    return path
