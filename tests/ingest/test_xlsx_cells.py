"""XLSX uploads are read by calamine where it reads what openpyxl reads (ingest.xlsx_cells): every workbook
the tests know is read both ways here, and the rows, their numbers, their text and the problems must be
the same.  A sheet calamine would read otherwise (sparse, error cells, long numbers, unplaced cells) is
shown going to openpyxl."""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from helpers import ROOT
from hostile_files import (
    GENERATORS,
    MAIN_NS,
    REL_NS,
    deflated,
    sheet_head,
    sheet_tail,
    text_cell,
    workbook_parts,
    write_zip,
)
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from core.config import DEFAULT_LIMITS
from ingest import tables, xlsx_cells
from ingest.tables import read_raw

SMALL = replace(DEFAULT_LIMITS, max_rows=10, max_cells=40)
# the hostile generators whose files are small enough to read both ways in a moment
HOSTILE = ("xlsx_row_gap", "xlsx_wide_sparse", "xlsx_entity", "xlsx_bad_crc", "xlsx_truncated", "xlsx_merged")


def _values_book(path: Path, epoch=None) -> Path:
    """Every kind of value a person types, with the number formats that make numbers dates, times, durations."""
    wb = Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.append(["项目名称", "数值", "日期", "备注"])
    values = [
        1, 1.0, 0.1 + 0.2, 12.5, -3.5, 0, 3890000.0, 1e20, 1e-7, 123456789.123, 999_999_999_999_999,
        True, False, "", "  前后有空格  ", "2020-03", "=not a formula, a text'",
        datetime(2020, 3, 1), datetime(2020, 3, 1, 9, 0), datetime(2020, 3, 1, 9, 17, 33, 123000),
        date(2020, 3, 1), time(9, 30), time(0, 0), timedelta(hours=30), datetime(1904, 1, 2), datetime(1900, 3, 1),
    ]  # fmt: skip
    for i, v in enumerate(values):
        ws.append([f"行{i}", v, v if isinstance(v, (date, time, timedelta)) else None, "x" if i % 3 else None])
    formats = [(datetime(2020, 3, 1, 9, 15), "yyyy-mm-dd"), (45000.5, "yyyy/m/d h:mm"), (0.75, "h:mm"),
               (1.75, "[h]:mm:ss"), (0.125, "0.00%"), (45000, 'yyyy"年"m"月"d"日"'), (45000.25, "m/d/yy")]  # fmt: skip
    for value, fmt in formats:
        ws.append(["格式", value])
        ws.cell(row=ws.max_row, column=2).number_format = fmt
    start = datetime(2020, 1, 1)
    for i in range(60):  # times at every second of the year: the rounding of both readers
        ws.append(["时刻", start + timedelta(seconds=i * 524_287 + i * i, microseconds=(i * 77_777) % 1_000_000)])
    ws.append([])
    ws.append(["最后一行", None, None, None, None, "F列"])
    wb.save(path)
    return path


def _offset_book(path: Path) -> Path:
    """The data starts at B3: rows 1–2 and column A are empty, row 5 too, and row 6 has a gap at C."""
    wb = Workbook()
    ws = wb.active
    for ref, value in {"B3": "项目名称", "C3": "月份", "D3": "当月支出", "B4": "甲", "C4": "2020-03", "D4": 100,
                       "B6": "乙", "D6": 200.5, "E7": "远处"}.items():  # fmt: skip
        ws[ref] = value
    wb.save(path)
    return path


def _xlsxwriter_book(path: Path, constant_memory: bool) -> Path:
    """As the ticket exports are written (inline strings with constant_memory, shared strings without)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    ws = wb.add_worksheet("工单")
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, ["工单编号", "项目名称", "派单时间", "数量"])
    for r in range(1, 40):
        ws.write_string(r, 0, f"T{r:05d}")
        ws.write_string(r, 1, "上海体育公共服务经费")
        ws.write_datetime(r, 2, datetime(2020, 3, 1, 8) + timedelta(minutes=37 * r), when)
        ws.write_number(r, 3, r / 8)
    wb.close()
    return path


def _raw_cells(path: Path, cells: list[str]) -> Path:
    """One cell a row, as written in ``cells`` (XML), each in column A of its row."""
    body = "".join(f'<row r="{i}">{c.format(ref=f"A{i}")}</row>' for i, c in enumerate(cells, start=1))
    return write_zip(
        path, workbook_parts(deflated("xl/worksheets/sheet1.xml", sheet_head() + body.encode() + sheet_tail()))
    )


def _height_row(path: Path) -> Path:
    """Three rows of values, then row 12 given a height and no cell: openpyxl walks to row 12 (past SMALL's 10)."""
    body = "".join(f'<row r="{r}">{text_cell(f"第{r}行", f"A{r}")}</row>' for r in (1, 2, 3))
    body += '<row r="12" ht="30" customHeight="1"/>'
    return write_zip(
        path, workbook_parts(deflated("xl/worksheets/sheet1.xml", sheet_head() + body.encode() + sheet_tail()))
    )


CACHED = [  # formulas with the values Excel cached for them, read as the values (data_only)
    '<c r="{ref}" t="str"><f>B1&amp;"x"</f><v>abc</v></c>',
    '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    '<c r="{ref}" t="b"><f>TRUE()</f><v>1</v></c>',
    '<c r="{ref}"><v>0.30000000000000004</v></c>',
    '<c r="{ref}"><v>1E+20</v></c>',
    '<c r="{ref}"><v>3.0E2</v></c>',
    '<c r="{ref}"><v>900719925474099</v></c>',  # 15 digits: exact as a double
    '<c r="{ref}" t="inlineStr"><is><r><t>富</t></r><r><t xml:space="preserve"> 文本 </t></r></is></c>',
    '<c r="{ref}" t="d"><v>2020-03-01T09:00:00</v></c>',
]
ERRORS = [
    '<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="{ref}" t="e"><v>#N/A</v></c>',
    '<c r="{ref}"><v>1</v></c>',
]
LONG = ['<c r="{ref}"><v>12345678901234567890</v></c>', '<c r="{ref}"><v>9007199254740993</v></c>']  # 2^53 + 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every workbook of the comparison by name: the templates, the committed corpus, made ones, hostile ones."""
    folder = tmp_path_factory.mktemp("xlsx-corpus")
    books = {p.name: p for p in sorted((ROOT / "data" / "templates").glob("*.xlsx"))}
    books.update({p.name: p for p in sorted((ROOT / "tests" / "data").rglob("*.xlsx"))})
    books["values.xlsx"] = _values_book(folder / "values.xlsx")
    books["values_1904.xlsx"] = _values_book(folder / "values_1904.xlsx", CALENDAR_MAC_1904)
    books["offset.xlsx"] = _offset_book(folder / "offset.xlsx")
    books["inline.xlsx"] = _xlsxwriter_book(folder / "inline.xlsx", True)
    books["shared.xlsx"] = _xlsxwriter_book(folder / "shared.xlsx", False)
    books["cached.xlsx"] = _raw_cells(folder / "cached.xlsx", CACHED)
    books["errors.xlsx"] = _raw_cells(folder / "errors.xlsx", ERRORS)
    books["long.xlsx"] = _raw_cells(folder / "long.xlsx", LONG)
    books["spaced_number.xlsx"] = _raw_cells(folder / "spaced_number.xlsx", ['<c r="{ref}" t="n"><v> 7 </v></c>'])
    books["unplaced.xlsx"] = _raw_cells(folder / "unplaced.xlsx", [text_cell("项目名称"), "<c><v>1</v></c>"])
    books["height_row.xlsx"] = _height_row(folder / "height_row.xlsx")
    for name in HOSTILE:
        path = GENERATORS[name](folder)
        books[path.name] = path
    return books


NAMES = sorted(
    [p.name for p in (ROOT / "data" / "templates").glob("*.xlsx")]
    + [p.name for p in (ROOT / "tests" / "data").rglob("*.xlsx")]
    + ["values.xlsx", "values_1904.xlsx", "offset.xlsx", "inline.xlsx", "shared.xlsx"]
    + ["cached.xlsx", "errors.xlsx", "long.xlsx", "spaced_number.xlsx", "unplaced.xlsx", "height_row.xlsx"]
    + ["row_gap.xlsx", "wide_sparse.xlsx", "entity.xlsx", "bad_crc.xlsx", "truncated.xlsx", "merged.xlsx"]
)


def _read(path: Path, limits, monkeypatch, calamine: bool) -> tuple[list, list[str], bool]:
    """Rows, problems (as the user reads them) and whether calamine read the sheet, one way or the other."""
    used = []
    real = xlsx_cells.open_sheet

    def spy(*args):
        sheet = real(*args) if calamine else None
        used.append(sheet is not None)
        return sheet

    with monkeypatch.context() as m:
        m.setattr(xlsx_cells, "open_sheet", spy)
        rows, problems = read_raw(path, limits=limits)
    return rows, [p.format(lang) for p in problems for lang in ("zh", "en")], any(used)


@pytest.mark.parametrize("limits", [DEFAULT_LIMITS, SMALL], ids=["default", "small"])
@pytest.mark.parametrize("name", NAMES)
def test_calamine_reads_every_workbook_as_openpyxl_does(corpus, name, limits, monkeypatch):
    """Same rows, same row numbers, same text, same problems; with SMALL (10 rows, 40 cells) the same refusals."""
    new = _read(corpus[name], limits, monkeypatch, calamine=True)
    old = _read(corpus[name], limits, monkeypatch, calamine=False)
    assert new[:2] == old[:2]


# which workbooks calamine reads (True) and which it leaves to openpyxl, and why
EXPECTED_READER = {
    "values.xlsx": True,
    "values_1904.xlsx": False,  # dates from 1904: calamine reads 1900-03-01 (a negative number) as 00:00:00
    "offset.xlsx": True,
    "inline.xlsx": True,
    "shared.xlsx": True,
    "cached.xlsx": True,
    "errors.xlsx": False,  # calamine gives #DIV/0! as ""
    "long.xlsx": False,  # 12345678901234567890 as a double is 12345678901234567168
    "spaced_number.xlsx": False,  # calamine cannot parse " 7 "; openpyxl reads 7
    "unplaced.xlsx": False,  # <c> with no reference: its place is not known before reading
    "wide_sparse.xlsx": False,  # A and XFD on 300 rows: a dense block of 4,915,200 cells > 2,000,000
    "row_gap.xlsx": True,
    "height_row.xlsx": True,  # calamine's rows end at row 3; the row given a height (12) still counts  # A1 and A1048576: a dense block of 1,048,576 cells, within 2,000,000
}


@pytest.mark.parametrize("name", sorted(EXPECTED_READER))
def test_which_reader_reads_which_sheet(corpus, name, monkeypatch):
    assert _read(corpus[name], DEFAULT_LIMITS, monkeypatch, calamine=True)[2] is EXPECTED_READER[name]


def test_every_template_is_read_by_calamine(corpus, monkeypatch):
    templates = sorted((ROOT / "data" / "templates").glob("*.xlsx"))
    assert templates and all(_read(p, DEFAULT_LIMITS, monkeypatch, calamine=True)[2] for p in templates)


def test_rows_keep_the_spreadsheets_numbers_when_the_data_starts_at_b3(corpus):
    """calamine's block starts at B3; the rows keep Excel's numbers and column A comes back as ""."""
    rows, problems = read_raw(corpus["offset.xlsx"])
    assert not problems
    assert rows == [
        (3, ["", "项目名称", "月份", "当月支出"]),
        (4, ["", "甲", "2020-03", "100"]),
        (6, ["", "乙", "", "200.5"]),
        (7, ["", "", "", "", "远处"]),
    ]


def _offset_raw(path: Path) -> Path:
    """``_offset_book``'s cells with no <dimension> (openpyxl always writes one, and the scan refuses by it)."""
    cells = {3: "BCD", 4: "BCD", 6: "BD", 7: "E"}
    body = "".join(
        f'<row r="{r}">' + "".join(text_cell("x", f"{c}{r}") for c in cols) + "</row>" for r, cols in cells.items()
    )
    return write_zip(
        path, workbook_parts(deflated("xl/worksheets/sheet1.xml", sheet_head() + body.encode() + sheet_tail()))
    )


def test_gaps_and_sparse_cells_count_as_openpyxl_counts_them(tmp_path, monkeypatch):
    """Cells count from column A to each row's last value, and every row up to the last counts.

    B3:D4, B6, D6 and E7 hold 9 values but count 4 + 4 + 4 + 5 = 17 cells.  calamine reads a sheet only if
    its furthest row × furthest column (7 × 5 = 35) is within max_cells, and 17 ≤ 35, so it never meets a
    count past max_cells: with 16 allowed, openpyxl reads the sheet and stops at 17."""
    path = _offset_raw(tmp_path / "o.xlsx")
    rows, problems, used = _read(path, SMALL, monkeypatch, calamine=True)  # 40 cells allowed: 35 fit
    assert used and not problems and [line for line, _ in rows] == [3, 4, 6, 7]
    rows, problems, used = _read(path, replace(SMALL, max_cells=16), monkeypatch, calamine=True)
    assert not used and problems[0].startswith("o.xlsx") and "17" in problems[0]
    wb = Workbook()
    wb.active["A11"] = "第11行"  # a block of 11 × 1 cells: calamine reads it, and stops at row 11 of 10
    wb.save(tmp_path / "far.xlsx")
    rows, problems, used = _read(tmp_path / "far.xlsx", SMALL, monkeypatch, calamine=True)
    assert used and [p.params["rows"] for p in tables.read_raw(tmp_path / "far.xlsx", limits=SMALL)[1]] == ["11"]


def test_a_sparse_sheet_never_reaches_calamine(tmp_path, monkeypatch):
    """A1 and XFD1048576: two cells, but calamine would allocate 1,048,576 × 16,384 cells × 32 bytes (512 GiB)
    and the process would die.  openpyxl streams it and stops at row 11 (SMALL) or row 200,001."""
    body = f'<row r="1">{text_cell("项目名称", "A1")}</row><row r="1048576">{text_cell("x", "XFD1048576")}</row>'
    path = write_zip(
        tmp_path / "sparse.xlsx",
        workbook_parts(deflated("xl/worksheets/sheet1.xml", sheet_head() + body.encode() + sheet_tail())),
    )
    rows, problems, used = _read(path, SMALL, monkeypatch, calamine=True)
    assert not used and [(p.code, p.params["rows"]) for p in tables.read_raw(path, limits=SMALL)[1]] == [
        ("too_many_rows", "11")
    ]


def test_a_damaged_sheet_is_a_problem_in_the_users_language(tmp_path):
    """XML cut in the middle of a cell: calamine fails, openpyxl fails, the user reads why in Chinese."""
    xml = sheet_head() + '<row r="1"><c r="A1" t="inlineStr"><is><t>项目'.encode()
    path = write_zip(tmp_path / "cut.xlsx", workbook_parts(deflated("xl/worksheets/sheet1.xml", xml)))
    rows, problems = read_raw(path)
    assert [p.code for p in problems] == ["xlsx_damaged"] and "已损坏" in problems[0].format("zh")


def test_calamine_reads_only_the_part_the_scan_bounded(tmp_path, monkeypatch):
    """A relationship to "xl/worksheets/sheet1.xml" is xl/xl/worksheets/sheet1.xml to openpyxl and the scan,
    but may be xl/worksheets/sheet1.xml to calamine: with a small sheet at the first and a sparse one
    (A1, XFD1048576) at the second, calamine must not be asked (it would die on the sparse one)."""
    small = f'<row r="1">{text_cell("项目名称", "A1")}</row><row r="2">{text_cell("甲", "A2")}</row>'
    sparse = f'<row r="1">{text_cell("a", "A1")}</row><row r="1048576">{text_cell("b", "XFD1048576")}</row>'
    parts = workbook_parts(deflated("xl/xl/worksheets/sheet1.xml", sheet_head() + small.encode() + sheet_tail()))
    rels = next(p for p in parts if p.name == "xl/_rels/workbook.xml.rels")
    xml = zlib.decompress(rels.data, -15).replace(b'Target="worksheets/', b'Target="xl/worksheets/')
    parts = [p for p in parts if p is not rels] + [
        deflated(rels.name, xml),
        deflated("xl/worksheets/sheet1.xml", sheet_head() + sparse.encode() + sheet_tail()),
    ]
    path = write_zip(tmp_path / "two_paths.xlsx", parts)
    rows, problems, used = _read(path, DEFAULT_LIMITS, monkeypatch, calamine=True)
    assert not used and not problems and rows == [(1, ["项目名称"]), (2, ["甲"])]


def _with_strings(path: Path, unique_count: str) -> Path:
    """A sheet whose A1 is shared string 0 ("甲"), and a string table declaring ``unique_count`` strings."""
    sheet = deflated(
        "xl/worksheets/sheet1.xml", sheet_head() + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + sheet_tail()
    )
    table = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="{unique_count}"><si><t>甲</t></si></sst>'
    parts = workbook_parts(sheet, [deflated("xl/sharedStrings.xml", table.encode())])
    types = next(p for p in parts if p.name == "[Content_Types].xml")
    rels = next(p for p in parts if p.name == "xl/_rels/workbook.xml.rels")
    strings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    more_types = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{strings}"/></Types>'
    more_rels = f'<Relationship Id="rId9" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    parts = [p for p in parts if p not in (types, rels)] + [
        deflated(types.name, zlib.decompress(types.data, -15).replace(b"</Types>", more_types.encode())),
        deflated(rels.name, zlib.decompress(rels.data, -15).replace(b"</Relationships>", more_rels.encode())),
    ]
    return write_zip(path, parts)


def test_a_string_table_declaring_billions_never_reaches_calamine(tmp_path, monkeypatch):
    """calamine reserves 24 bytes for each declared shared string before reading one: uniqueCount="4000000000"
    asks for 96 GB and the process dies.  Past max_cells (2,000,000) declared, openpyxl reads the sheet."""
    rows, problems, used = _read(_with_strings(tmp_path / "one.xlsx", "1"), DEFAULT_LIMITS, monkeypatch, calamine=True)
    assert used and rows == [(1, ["甲"])]
    path = _with_strings(tmp_path / "billions.xlsx", "4000000000")
    rows, problems, used = _read(path, DEFAULT_LIMITS, monkeypatch, calamine=True)
    assert not used and rows == [(1, ["甲"])]
