"""The self-evaluation and monitoring forms as XLSX, in the official layout (docs/domain.md §5–6).

Eight columns, merged header cells, borders, A4 print setup and a frozen header.  Every
text from the data is written as a string (a target such as ``=100%`` never becomes a
formula, and a note starting with ``=``, ``+``, ``-`` or ``@`` stays inert).

``XlsxBatch`` writes a workbook per project and the combined workbooks (``combined_groups``:
one with every project, or one per 实施单位 beyond ``COMBINED_MAX_SHEETS`` projects).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import astuple

import xlsxwriter
from xlsxwriter.exceptions import DuplicateWorksheetName

from core.names import numbered
from metrics.forms import (
    MISSING_MARK,
    ProjectForm,
    budget_light_text,
    completion_cell,
    fund_rows,
    projected_head,
    summary_cell,
)

WIDTHS = [12, 12, 22, 22, 28, 8, 10, 32]  # 实际完成值 wide enough for its 实际完成情况 sentence
DASH = "—"


class _Workbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook with the unique sheet-name check in constant time.

    xlsxwriter (3.3.1) compares each new sheet's name, lower-cased, with every existing sheet's:
    O(n²), some 200 million comparisons for a combined workbook of 20,000 sheets, which then took
    longer than all the forms' cells.  Here xlsxwriter still checks the name (length, characters,
    apostrophes, the default ``SheetN``) against an empty sheet list, and the names already used are
    kept lower-cased in a set: the same refusal (``DuplicateWorksheetName``, case ignored like Excel).
    It overrides a private method: tests/exports/test_forms_xlsx_batch.py checks the refusals against
    xlsxwriter's own, so an xlsxwriter that changes it is noticed.
    """

    def __init__(self, filename=None, options=None) -> None:
        super().__init__(filename, options)
        self._used_names: set[str] = set()
        self.styles: _Styles | None = None  # the forms' formats, made once per workbook

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        sheets, self.worksheets_objs = self.worksheets_objs, []
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        if name.lower() in self._used_names:
            raise DuplicateWorksheetName(f"Sheetname '{name}', with case ignored, is already in use.")
        self._used_names.add(name.lower())
        return name


def _styles(wb: xlsxwriter.Workbook) -> _Styles:
    """The formats, made once per ``_Workbook`` (every sheet the same 11, not 11 more per sheet)."""
    if not isinstance(wb, _Workbook):
        return _Styles(wb)
    if wb.styles is None:
        wb.styles = _Styles(wb)
    return wb.styles


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "SimSun", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
        self.title = wb.add_format(
            {"font_name": "SimHei", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
        )
        self.sub = wb.add_format({"font_name": "SimSun", "font_size": 10, "align": "center"})
        self.head = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
        self.label = wb.add_format({**base, "bold": True, "align": "center"})
        self.text = wb.add_format({**base, "align": "left"})
        self.center = wb.add_format({**base, "align": "center"})
        self.money = wb.add_format({**base, "align": "right", "num_format": "#,##0.00"})
        self.points = wb.add_format({**base, "align": "center", "num_format": "0.00"})
        self.percent = wb.add_format({**base, "align": "center", "num_format": "0.00%"})
        self.gap = wb.add_format({**base, "align": "left", "font_color": "#C00000", "bg_color": "#FFF2CC"})
        self.total = wb.add_format({**base, "bold": True, "align": "center", "num_format": "0.00"})


def _text(ws, row: int, col: int, value: str, fmt, gap_fmt) -> None:
    value = value or ""
    ws.write_string(row, col, value, gap_fmt if value.startswith(MISSING_MARK) else fmt)


def _merge_text(ws, first_row, first_col, last_row, last_col, value: str, fmt, gap_fmt=None) -> None:
    value = value or ""
    use = gap_fmt if gap_fmt is not None and value.startswith(MISSING_MARK) else fmt
    if (first_row, first_col) == (last_row, last_col):
        ws.write_string(first_row, first_col, value, use)
    else:
        ws.merge_range(first_row, first_col, last_row, last_col, "", use)
        ws.write_string(first_row, first_col, value, use)


_WIDE = re.compile("[\u2e80-\U0010ffff]")  # CJK and beyond: two characters wide (counted by regex: it is a hot loop)


def _lines(text: str, width_chars: float) -> int:
    """How many lines a wrapped text needs in a column this wide (a CJK character is two characters)."""
    total = 0
    for part in (text or "").split("\n"):
        width = len(part) + len(_WIDE.findall(part))
        total += max(1, -(-width // max(int(width_chars) - 1, 1)))
    return total


def _fit_row(ws, row: int, cells: list[tuple[str, float]], line_height: float = 14.0) -> None:
    """Row height for the tallest wrapped text: xlsxwriter does not measure, and viewers do not re-flow."""
    ws.set_row(row, max(18.0, max(_lines(text, width) for text, width in cells) * line_height))


def _span(first: int, last: int) -> float:
    return sum(WIDTHS[first : last + 1])


def _setup(ws, rows_frozen: int) -> None:
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.repeat_rows(rows_frozen - 1)
    ws.freeze_panes(rows_frozen, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _header(ws, s: _Styles, form: ProjectForm, title: str, period: str) -> int:
    ws.merge_range(0, 0, 0, 7, title, s.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, 7, period, s.sub)
    _merge_text(ws, 2, 0, 2, 1, "项目名称", s.label)
    _merge_text(ws, 2, 2, 2, 7, form.name, s.text)
    _merge_text(ws, 3, 0, 3, 1, "主管部门", s.label)
    _merge_text(ws, 3, 2, 3, 3, form.supervisor, s.text)
    _merge_text(ws, 3, 4, 3, 4, "实施单位", s.label)
    _merge_text(ws, 3, 5, 3, 7, form.unit, s.text)
    return 4


def _indicator_table(ws, s: _Styles, form: ProjectForm, row: int, headers: list[str], cells) -> int:
    """The 绩效指标 rows with 一级 and 二级 merged down their groups; returns the next free row."""
    for col, head in enumerate(headers):
        ws.write_string(row, col, head, s.head)
    _fit_row(ws, row, [(h, WIDTHS[c]) for c, h in enumerate(headers)])
    row += 1
    start = row
    level_points: dict[str, float] = {}
    for ind in form.indicators:
        level_points[ind.level1] = level_points.get(ind.level1, 0) + ind.weight
    for k, ind in enumerate(form.indicators):
        cells(ws, row + k, ind)
    _merge_groups(
        ws,
        s,
        form,
        start,
        0,
        lambda i: i.level1,
        lambda i: f"{i.level1}（{level_points[i.level1]:g}分）" if form.months == 12 else i.level1,
    )
    _merge_groups(ws, s, form, start, 1, lambda i: (i.level1, i.level2), lambda i: i.level2)
    return row + len(form.indicators)


def _merge_groups(ws, s: _Styles, form: ProjectForm, start: int, col: int, key, label) -> None:
    k = 0
    while k < len(form.indicators):
        end = k
        while end + 1 < len(form.indicators) and key(form.indicators[end + 1]) == key(form.indicators[k]):
            end += 1
        _merge_text(ws, start + k, col, start + end, col, label(form.indicators[k]), s.center)
        k = end + 1


def write_selfeval(wb: xlsxwriter.Workbook, sheet: str, form: ProjectForm, title: str, note: str = "") -> None:
    """One project's 项目支出绩效自评表 on a new sheet of ``wb``."""
    s = _styles(wb)
    ws = wb.add_worksheet(sheet)
    row = _header(ws, s, form, title, f"（{form.year}年度）")
    # 项目资金（元）
    _merge_text(ws, row, 0, row + 4, 0, "项目资金（元）", s.label)
    for col, head in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=1):
        ws.write_string(row, col, head, s.head)
    for k, (label, start_, full, executed, total) in enumerate(astuple(f) for f in fund_rows(form)):
        k += 1
        ws.write_string(row + k, 1, label, s.text)
        _fit_row(ws, row + k, [(label, WIDTHS[1])])
        for col, value in ((2, start_), (3, full), (4, executed)):
            if value is None:
                ws.write_string(row + k, col, DASH, s.center)
            else:
                ws.write_number(row + k, col, value, s.money)
        if total:
            ws.write_number(row + k, 5, form.budget_weight, s.points)
            ws.write_number(row + k, 6, form.execution_rate, s.percent)
            ws.write_number(row + k, 7, form.budget_score, s.points)
        else:
            for col in (5, 6, 7):
                ws.write_string(row + k, col, DASH, s.center)
    row += 5
    # 年度总体目标
    _merge_text(ws, row, 0, row + 1, 0, "年度总体目标", s.label)
    _merge_text(ws, row, 1, row, 3, "预期目标", s.head)
    _merge_text(ws, row, 4, row, 7, "实际完成情况", s.head)
    summary = summary_cell(form)
    _fit_row(ws, row + 1, [(form.goals, _span(1, 3)), (summary, _span(4, 7))])
    _merge_text(ws, row + 1, 1, row + 1, 3, form.goals, s.text)
    _merge_text(ws, row + 1, 4, row + 1, 7, summary, s.text, s.gap)
    row += 2

    def cells(ws, r, ind):
        actual = completion_cell(
            ind
        )  # the figure, then the 实际完成情况 in words (the layout has no column of its own)
        _fit_row(
            ws,
            r,
            [(ind.level3, WIDTHS[2]), (ind.target, WIDTHS[3]), (actual, WIDTHS[4]), (ind.deviation, WIDTHS[7])],
        )
        _text(ws, r, 2, ind.level3, s.text, s.gap)
        _text(ws, r, 3, ind.target, s.text, s.gap)
        _text(ws, r, 4, actual, s.text, s.gap)
        ws.write_number(r, 5, ind.weight, s.points)
        ws.write_number(r, 6, ind.score, s.points)
        _text(ws, r, 7, ind.deviation, s.text, s.gap)

    row = _indicator_table(
        ws,
        s,
        form,
        row,
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        cells,
    )
    _merge_text(ws, row, 0, row, 4, "总分", s.label)
    ws.write_number(row, 5, form.total_weight, s.total)
    ws.write_number(row, 6, form.total_score, s.total)
    ws.write_string(row, 7, f"自评等级：{form.grade}", s.label)
    row += 1
    for remark in form.notes:  # the plan's own targets: reported, not scored
        _merge_text(ws, row, 0, row, 7, "备注：" + remark, s.text)
        row += 1
    if note or form.warnings:
        text = "；".join([note, *form.warnings] if note else form.warnings)
        _merge_text(ws, row, 0, row, 7, "注：" + text, s.gap)
    _setup(ws, 4)


def write_monitor(wb: xlsxwriter.Workbook, sheet: str, form: ProjectForm, title: str) -> None:
    """One project's 项目支出绩效目标执行监控表 for months 1–N on a new sheet of ``wb``."""
    s = _styles(wb)
    ws = wb.add_worksheet(sheet)
    n = form.months
    row = _header(ws, s, form, title, f"（{form.year}年1–{n}月）")
    _merge_text(ws, row, 0, row + 1, 0, "项目资金（元）", s.label)
    spans = [(1, 2), (3, 3), (4, 4), (5, 5), (6, 7)]
    heads = ["年初预算数", "全年预算数", f"1–{n}月执行数", f"1–{n}月执行率", projected_head(form)]
    values = [
        (form.budget_start, s.money),
        (form.budget_full, s.money),
        (form.executed, s.money),
        (form.execution_rate, s.percent),
        (form.projected, s.money),
    ]
    _fit_row(ws, row, [(h, _span(a, b)) for (a, b), h in zip(spans, heads, strict=True)])
    for (first, last), head, (value, fmt) in zip(spans, heads, values, strict=True):
        _merge_text(ws, row, first, row, last, head, s.head)
        if first != last:
            ws.merge_range(row + 1, first, row + 1, last, "", fmt)
        ws.write_number(row + 1, first, value, fmt)
    row += 2
    _merge_text(ws, row, 0, row, 0, "预算执行灯", s.label)
    _merge_text(ws, row, 1, row, 7, budget_light_text(form), s.text)
    row += 1

    def cells(ws, r, ind):
        deviation = "；".join(t for t in (ind.deviation, ind.note) if t)
        _fit_row(
            ws,
            r,
            [
                (f"{ind.level3}\n年度指标值：{ind.target}", WIDTHS[2]),
                (ind.actual, WIDTHS[3]),
                (ind.projection, WIDTHS[4]),
                (deviation, _span(6, 7)),
            ],
        )
        _text(ws, r, 2, f"{ind.level3}\n年度指标值：{ind.target}", s.text, s.gap)
        _text(ws, r, 3, ind.actual, s.text, s.gap)
        _text(ws, r, 4, ind.projection, s.text, s.gap)
        _text(ws, r, 5, ind.likelihood, s.center, s.gap)
        _merge_text(ws, r, 6, r, 7, deviation, s.text, s.gap)

    row = _indicator_table(
        ws,
        s,
        form,
        row,
        [
            "一级指标",
            "二级指标",
            "三级指标 / 年度指标值",
            f"1–{n}月执行情况",
            "全年预计完成情况",
            "完成目标可能性",
            "偏差原因分析（经费、制度、人员、硬件、其他）及备注",
            "",
        ],
        cells,
    )
    ws.merge_range(
        row - len(form.indicators) - 1,
        6,
        row - len(form.indicators) - 1,
        7,
        "偏差原因分析（经费保障、制度保障、人员保障、硬件条件保障、其他）及备注",
        s.head,
    )
    for remark in form.notes:
        _merge_text(ws, row, 0, row, 7, "备注：" + remark, s.text)
        row += 1
    if form.warnings:
        _merge_text(ws, row, 0, row, 7, "注：" + "；".join(form.warnings), s.gap)
    _setup(ws, 4)


_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _cut(text: str, units: int) -> str:
    """``text`` cut to ``units`` characters as Excel counts them (UTF-16: one beyond U+FFFF counts two)."""
    text = text[:units]
    while len(text.encode("utf-16-le")) > 2 * units:
        text = text[:-1]
    return text


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: each of []:*?/\\ becomes _, and an apostrophe at either end; cut to 31
    characters; a name already in ``taken`` (the lower-cased names given so far: Excel ignores case) gets
    _2, _3… within the 31."""
    clean = re.sub(r"^'|'\Z", "_", _cut(name.translate(_FORBIDDEN), 31)) or "sheet"
    return numbered(clean, taken, lambda text, suffix: _cut(text, 31 - len(suffix)) + suffix)


def workbook_bytes(forms: list[ProjectForm], writer, title: str, notes: dict[str, str] | None = None) -> bytes:
    """All ``forms`` in one workbook, a sheet per project."""
    buffer = io.BytesIO()
    wb = _Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    taken: set[str] = set()
    for form in forms:
        if writer is write_selfeval:
            writer(wb, sheet_name(form.name, taken), form, title, (notes or {}).get(form.name, ""))
        else:
            writer(wb, sheet_name(form.name, taken), form, title)
    wb.close()
    return buffer.getvalue()


COMBINED_MAX_SHEETS = 1000
NO_UNIT = "未填单位"


def combined_groups(forms: list[ProjectForm], max_sheets: int | None = None) -> list[tuple[str, list]]:
    """The combined workbooks to write, as (label, forms): ``("", forms)``, one with every project, up to
    ``max_sheets`` projects; beyond, one per 实施单位 (labelled with the unit, units in name order, each
    unit's projects in the forms' order), and a unit with more than ``max_sheets`` projects in parts of
    ``max_sheets`` labelled 单位_1, 单位_2….

    Why: a workbook of 20,000 sheets is no form anyone reads.  LibreOffice Calc opens at most 10,000
    sheets, Excel's tab bar cannot be navigated at that count and its memory grows with every sheet,
    and writing it holds every sheet's cells in memory until the file is closed.  A unit's own
    workbook is what a finance bureau sends to, or asks of, each unit; the single files stay as they are.
    """
    max_sheets = max_sheets or COMBINED_MAX_SHEETS
    if len(forms) <= max_sheets:
        return [("", forms)]
    by_unit: dict[str, list[ProjectForm]] = {}
    for form in forms:
        by_unit.setdefault(form.unit or NO_UNIT, []).append(form)
    groups = []
    for unit in sorted(by_unit):
        mine = by_unit[unit]
        if len(mine) <= max_sheets:
            groups.append((unit, mine))
        else:
            parts = range(0, len(mine), max_sheets)
            groups += [(f"{unit}_{k + 1}", mine[start : start + max_sheets]) for k, start in enumerate(parts)]
    return groups


class XlsxBatch:
    """A workbook per form (``files``) and the combined workbooks (``combined_parts``) for
    ``forms._write_all``, as ``forms_pdf.PdfBatch`` does for PDF."""

    def __init__(
        self, forms: list[ProjectForm], render: Callable[[list[ProjectForm]], bytes], max_sheets: int | None = None
    ) -> None:
        self._forms, self._render, self._max_sheets = forms, render, max_sheets

    def files(self) -> Iterator[bytes]:
        for form in self._forms:
            yield self._render([form])

    def combined_parts(self) -> Iterator[tuple[str, bytes]]:
        """The combined workbooks as (label, content): one labelled "" with every form, or one per unit
        beyond ``COMBINED_MAX_SHEETS`` forms (``combined_groups``)."""
        for label, chunk in combined_groups(self._forms, self._max_sheets):
            yield label, self._render(chunk)
