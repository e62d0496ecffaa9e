"""Reading files safely: the limits, the archive checks, CSV dialect and encodings, numbers, months and times.

The corpus in tests/data/hostile/ shows each refusal end to end; these pin the rules with numbers
worked by hand, and show that the files people really send still read.
"""

import csv
import io
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
from hostile_files import PROJECT, deflated, random_rows, repeated, sheet_head, sheet_tail, workbook_parts, write_zip
from openpyxl import Workbook

from core.config import DEFAULT_LIMITS, DEFAULT_UNIT, load_config
from ingest import parsing
from ingest.problems import Problem, shown
from ingest.tables import column_letter, decode_text, read_raw
from ingest.workbook import inspect_xlsx

SMALL = replace(DEFAULT_LIMITS, max_rows=10, max_cells=40)


def test_the_code_defaults_are_the_files():
    """A library caller handed no Config reads with the same limits and zone as data/config.toml sets."""
    config = load_config()
    assert config.limits == DEFAULT_LIMITS and config.unit == DEFAULT_UNIT
    assert (config.limits.max_file_mb, config.limits.max_rows, config.limits.max_cells) == (20, 200_000, 2_000_000)


# -- numbers ------------------------------------------------------------------------------------------
def test_thousands_commas_only_group_by_three():
    col = pd.Series(["1,234,567.5", "1，234", "-12,345", "¥1,000元", "253.704,72", "2,53,7,04.72", "12,34", "1,5", ""])
    parsed, bad = parsing.numbers(col)
    assert parsed[:4].tolist() == [1234567.5, 1234.0, -12345.0, 1000.0]
    assert bad.tolist() == [False] * 4 + [True] * 4 + [False]
    reasons = [parsing.number_trouble(v) for v in col]
    assert reasons == [None] * 4 + ["decimal_comma", "odd_grouping", "odd_grouping", "odd_grouping", None]
    assert parsing.number_trouble("abc,def") is None  # not a number at all: the plain "not a number"


# -- months and times ---------------------------------------------------------------------------------------
def test_an_excel_day_number_is_not_a_year():
    """43891 days after Excel's day 0 (1899-12-30) is 2020-03-01; read as YYYYM it would be 4389-01."""
    parsed, bad = parsing.months(pd.Series(["43891", "202003", "20203"]))
    assert bad.tolist() == [True, False, False]
    assert [d.strftime("%Y-%m") for d in parsed[1:]] == ["2020-03", "2020-03"]
    assert parsing.excel_serial("43891") == "2020-03-01"
    assert parsing.excel_serial("36526") == "2000-01-01"  # 100 years × 365 + 24 leap days + 2 (day 0, 1900-02-29)
    assert parsing.excel_serial("202003") is None and parsing.excel_serial("2020-03") is None


def test_times_with_an_offset_become_local_time():
    """Shanghai is UTC+8: 02:30Z is 10:30, 10:00-05:00 is 15:00Z is 23:00; +08:00 stays as written."""
    col = pd.Series(
        ["2020-03-05T02:30:00Z", "2020-03-05T10:00:00-05:00", "2020-03-05T10:00:00+0800", "2020-03-05 09:00"]
    )
    local = parsing.local_times(col, "Asia/Shanghai")
    assert local.tolist() == ["2020-03-05 10:30:00", "2020-03-05 23:00:00", "2020-03-05 10:00:00", "2020-03-05 09:00"]
    parsed, bad = parsing.datetimes(col)  # no zone given: an offset is refused, never guessed
    assert bad.tolist() == [True, True, True, False]
    parsed, bad = parsing.datetimes(col, "Asia/Shanghai")
    assert not bad.any() and str(parsed[1]) == "2020-03-05 23:00:00"


# -- what a message echoes ------------------------------------------------------------------------------------
def test_echoed_values_are_escaped_and_cut():
    assert shown("红\x1b[31m色\x00\n") == "红\\x1b[31m色\\x00\\n"
    assert shown("a\u202eb") == "a\\u202eb"  # a right-to-left override cannot reorder the message
    cut = shown("名" * 100_000)
    assert len(cut) == 80 and cut.endswith("…（共 100000 字）") and cut.startswith("名" * 67)  # 80 − 13 for the tail
    assert shown(cut) == cut  # stored once, shown again: unchanged
    problem = Problem("f.csv", "unknown_project", 2, "项目名称", "\x1b[2J" + "x" * 500, {"hint": ""})
    assert "\x1b" not in problem.format() and "（共 504 字）" in problem.format()


# -- CSV ---------------------------------------------------------------------------------------------------------
def _csv(tmp_path, data: bytes, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_raw(path, limits=SMALL)


def test_csv_line_endings_and_cells_over_lines(tmp_path):
    """CR alone, LF, CR LF read alike; a quoted cell with a line break is one cell of one row."""
    for ending in ("\r", "\n", "\r\n"):
        rows, problems = _csv(tmp_path, ending.join(["a,b", "1,2", '3,"x' + ending + 'y"', "5,6", ""]).encode())
        assert not problems
        assert rows == [(1, ["a", "b"]), (2, ["1", "2"]), (3, ["3", f"x{ending}y"]), (4, ["5", "6"])]


def test_csv_quote_faults_name_the_row_where_the_quote_opened(tmp_path):
    rows, problems = _csv(tmp_path, b'a,b\n1,"x\n2,y\n3,z\n')  # never closes: rows 3 and 4 would vanish
    assert [(p.code, p.line) for p in problems] == [("unclosed_quote", 2)]
    rows, problems = _csv(tmp_path, b'a,b\n1,2\n3,"x\n4,"y"\n5,6\n')  # closes on the next line, mid-cell
    assert [(p.code, p.line) for p in problems] == [("unclosed_quote", 3)]
    rows, problems = _csv(tmp_path, b'a,b\n1,=F("u","v")\n')  # a stray quote inside one line reads as before
    assert not problems and rows[1] == (2, ["1", '=F("u"', "v)"])


def test_csv_cells_past_the_csv_modules_limit(tmp_path):
    limit = csv.field_size_limit()
    assert limit == 131_072
    rows, problems = _csv(tmp_path, b"a,b\n1,2\n3," + b"x" * (limit + 1) + b"\n")
    assert [(p.code, p.line, p.params["limit"]) for p in problems] == [("field_too_long", 3, "131,072")]
    rows, problems = _csv(tmp_path, b'a,b\n1,"' + b"x\n" * limit)  # an open quote running to the end
    assert [(p.code, p.line) for p in problems] == [("unclosed_quote", 2)]


def test_csv_rows_and_cells_stop_at_the_limits(tmp_path):
    """SMALL allows 10 rows and 40 cells: the 11th record, or the 41st cell, is refused at once."""
    rows, problems = _csv(tmp_path, b"a\n" * 11)
    assert [(p.code, p.params["rows"]) for p in problems] == [("too_many_rows", "11")]
    rows, problems = _csv(tmp_path, b"a,b,c,d,e\n" * 9)  # 45 cells
    assert [(p.code, p.params["cells"]) for p in problems] == [("too_many_cells", "45")]
    rows, problems = _csv(tmp_path, b"a,b,c,d,e,,,,,,,,,\n" * 8)  # trailing empty cells are not cells
    assert not problems and len(rows) == 8


def test_encodings_name_the_odd_line():
    utf8 = "项目,月份\n甲,2020-03\n".encode()
    gbk = "项目,月份\n甲,2020-03\n".encode("gbk")
    assert decode_text(utf8, "f")[0] == "项目,月份\n甲,2020-03\n"
    assert decode_text(gbk, "f")[0] == "项目,月份\n甲,2020-03\n"
    _, problem = decode_text(utf8 + b"ascii\n" + "乙".encode("gbk") + b"\n", "f")
    assert (problem.code, problem.line, problem.params["encoding"]) == ("mixed_encoding", 4, "UTF-8")
    _, problem = decode_text(gbk + "乙丙".encode() + b"\n", "f")
    assert (problem.code, problem.line, problem.params["encoding"]) == ("mixed_encoding", 3, "GBK/GB18030")
    assert decode_text(b"a,b\r1,\x002\r", "f")[1].line == 2
    assert decode_text("a".encode("utf-16"), "f")[1].code == "utf16"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


# -- XLSX ----------------------------------------------------------------------------------------------------------
def test_a_workbook_excel_writes_reads_streaming(tmp_path):
    """Dates, numbers and text as before; merged cells still found though the sheet is read streaming."""
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "月份", "当月支出"])
    ws.append([PROJECT, pd.Timestamp("2020-03-01").to_pydatetime(), 3890000.0])
    ws.append([None, None, None])
    ws.append([PROJECT, "2020-04", 12.5])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    rows, problems = read_raw(path)
    assert not problems
    assert rows == [
        (1, ["项目名称", "月份", "当月支出"]),
        (2, [PROJECT, "2020-03-01", "3890000"]),
        (4, [PROJECT, "2020-04", "12.5"]),
    ]
    ws.merge_cells("B2:C2")
    ws.merge_cells("A4:A5")
    wb.save(path)
    rows, problems = read_raw(path)
    assert [(p.code, p.line, p.params["ranges"]) for p in problems] == [("merged_cells", 2, "B2:C2, A4:A5")]


def test_the_zip_directory_decides_before_any_parsing(tmp_path):
    """10 MB of identical cells pack about 200:1: over max_ratio 100 (and over a 5 MB unpacked limit)."""
    row = b"<row>" + b"<c><v>1</v></c>" * 1_000 + b"</row>"
    sheet = repeated("xl/worksheets/sheet1.xml", sheet_head(), row, 700, sheet_tail())
    path = write_zip(tmp_path / "packed.xlsx", workbook_parts(sheet))
    assert 10_000_000 < sheet.size < 11_000_000
    _, problems = inspect_xlsx(path, "packed.xlsx", DEFAULT_LIMITS)
    assert problems[0].code == "compression_ratio" and 150 < int(problems[0].params["ratio"]) < 250
    _, problems = inspect_xlsx(path, "packed.xlsx", replace(DEFAULT_LIMITS, max_uncompressed_mb=5))
    assert (problems[0].code, problems[0].params["size"], problems[0].params["limit"]) == (
        "unpacked_too_big",
        "10.0",
        "5",
    )


def test_rows_and_cells_are_counted_before_parsing(tmp_path):
    """12 rows × 3 cells: over SMALL's 10 rows by counting (one chunk, all 12 counted); A1:E9 declares 45 cells."""
    sheet = deflated("xl/worksheets/sheet1.xml", sheet_head() + random_rows(12, 3, seed=5) + sheet_tail())
    path = write_zip(tmp_path / "rows.xlsx", workbook_parts(sheet))
    _, problems = inspect_xlsx(path, "rows.xlsx", SMALL)
    assert [(p.code, p.params["rows"]) for p in problems] == [("too_many_rows", "12")]
    declared = deflated("xl/worksheets/sheet1.xml", sheet_head("A1:E9") + random_rows(2, 3, seed=6) + sheet_tail())
    path = write_zip(tmp_path / "declared.xlsx", workbook_parts(declared))
    _, problems = inspect_xlsx(path, "declared.xlsx", SMALL)
    assert [(p.code, p.params["cells"]) for p in problems] == [("too_many_cells", "45")]
    scan, problems = inspect_xlsx(path, "declared.xlsx", DEFAULT_LIMITS)
    assert not problems and (scan.rows, scan.cells, scan.dimension) == (2, 6, (9, 5))


def test_a_zip_that_is_no_workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    assert inspect_xlsx(path, "a.xlsx", DEFAULT_LIMITS)[1][0].code == "not_workbook"
    path.write_bytes(b"PK\x03\x04" + bytes(40))
    assert inspect_xlsx(path, "a.xlsx", DEFAULT_LIMITS)[1][0].code == "xlsx_damaged"


@pytest.mark.parametrize("prefix", ["", "x"])
def test_counting_follows_the_sheets_namespace_prefix(tmp_path, prefix):
    sheet = deflated(
        "xl/worksheets/sheet1.xml",
        sheet_head(prefix=prefix) + random_rows(4, 2, seed=7, prefix=prefix) + sheet_tail(prefix),
    )
    scan, problems = inspect_xlsx(write_zip(tmp_path / "p.xlsx", workbook_parts(sheet)), "p.xlsx", DEFAULT_LIMITS)
    assert not problems and (scan.rows, scan.cells) == (4, 8)


def test_text_of_a_legit_upload_passes_through_csv_module_unchanged():
    """The reader's own check of a record spanning lines accepts what csv itself writes."""
    out = io.StringIO()
    csv.writer(out).writerow(["a", 'say "hi"\nand go', "b,c"])
    rows, problems = read_raw_text(out.getvalue())
    assert not problems and rows == [(1, ["a", 'say "hi"\nand go', "b,c"])]


def read_raw_text(text: str):
    from ingest.tables import _read_csv

    return _read_csv(text, "t.csv", ",", DEFAULT_LIMITS)


def test_a_file_wrong_on_every_row_lists_the_first_thousand(tmp_path):
    """1,500 rows, each with two problems (a project the empty database lacks, 13月 is no month): 3,000,
    of which 1,000 are listed, then one saying 2,000 more were not."""
    from core import db
    from ingest.actuals import validate_upload

    path = tmp_path / "bad.csv"
    path.write_text("项目名称,月份,当月支出\n" + f"{PROJECT},13月,1\n" * 1_500, encoding="utf-8")
    db.init(tmp_path / "empty.duckdb")
    with db.read_connection(tmp_path / "empty.duckdb") as con:
        upload = validate_upload(con, path)
    assert len(upload.problems) == 1_001
    assert (
        upload.problems[-1].format()
        == "bad.csv：另有 2,000 个问题未列出（只列出前 1,000 个）：请先改正以上问题，再重新上传"
    )
