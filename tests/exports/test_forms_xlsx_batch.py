"""XLSX forms in bulk (exports/forms_xlsx.py): the sheet-name check in a set refuses what xlsxwriter's own
check refuses, sheet names are made valid and unique, and beyond ``COMBINED_MAX_SHEETS`` projects the
combined workbook is written per 实施单位 (per part of a unit that has more), through the command line."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
import xlsxwriter
from helpers import run_cli
from openpyxl import load_workbook
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from exports import forms_xlsx
from exports.forms_xlsx import _Workbook, combined_groups, sheet_name
from metrics.forms import ProjectForm


@pytest.mark.parametrize("workbook_class", [xlsxwriter.Workbook, _Workbook])
def test_name_check_refuses_what_xlsxwriter_refuses(workbook_class):
    """The same refusals from the set-based check as from xlsxwriter's loop over every sheet."""
    wb = workbook_class(io.BytesIO(), {"in_memory": True})
    wb.add_worksheet("项目A")
    for taken in ("项目A", "项目a"):  # the same name, and the same with case ignored (as Excel compares)
        with pytest.raises(DuplicateWorksheetName):
            wb.add_worksheet(taken)
    for bad in ("x" * 32, "a[b", "'quoted'"):  # 32 characters, a forbidden character, apostrophes at the ends
        with pytest.raises(InvalidWorksheetName):
            wb.add_worksheet(bad)
    assert wb.add_worksheet("x" * 31).name == "x" * 31
    # a default name counts every sheet asked for, refused ones included: 7 above, so Sheet8
    assert wb.add_worksheet().name == "Sheet8"
    with pytest.raises(DuplicateWorksheetName):
        wb.add_worksheet("sheet8")
    wb.close()


def test_sheet_names_valid_and_unique():
    taken: set[str] = set()
    long = "上海市" + "很长的项目名称" * 5  # 38 characters
    assert sheet_name("a/b:c*d?e[f]g\\h", taken) == "a_b_c_d_e_f_g_h"  # each of []:*?/\ becomes _
    assert sheet_name(long, taken) == long[:31]
    assert sheet_name(long + "二期", taken) == long[:29] + "_2"  # the same once cut: _2 within the 31
    assert sheet_name(long + "三期", taken) == long[:29] + "_3"
    assert sheet_name("", taken) == "sheet"
    # new: what xlsxwriter would have refused, ending the export, is made valid
    assert sheet_name("Sheet", taken) == "Sheet_2"  # "sheet" is taken, case ignored
    assert sheet_name("'引号'", taken) == "_引号_"  # no apostrophe at either end
    emoji = "项" * 29 + "😀😀"  # 31 code points, but Excel counts each emoji as two: 33
    assert sheet_name(emoji, taken) == "项" * 29 + "😀"  # 29 + 2 = 31


def form(name: str, unit: str) -> ProjectForm:
    return ProjectForm(2020, 12, name, unit, "主管部门", 0, 0, 0, 0, 10, 0)


def test_combined_groups():
    few = [form(f"p{k}", "乙单位") for k in range(3)]
    assert combined_groups(few, max_sheets=3) == [("", few)]  # up to the limit: one workbook, every project
    many = [form("p1", "乙单位"), form("p2", "甲单位"), form("p3", "乙单位"), form("p4", ""), form("p5", "乙单位")]
    groups = combined_groups(many, max_sheets=2)
    # beyond: a workbook per unit, units in code-point order (乙 U+4E59 < 未 U+672A < 甲 U+7532; no unit:
    # 未填单位), each unit's projects in the forms' order; 乙单位's 3 projects are more than 2: parts of 2 and 1
    assert [(label, [f.name for f in chunk]) for label, chunk in groups] == [
        ("乙单位_1", ["p1", "p3"]),
        ("乙单位_2", ["p5"]),
        ("未填单位", ["p4"]),
        ("甲单位", ["p2"]),
    ]


def sheet_cells(ws) -> tuple[list, list]:
    return [[c.value for c in row] for row in ws.iter_rows()], sorted(map(str, ws.merged_cells.ranges))


def test_export_beyond_the_limit_writes_a_workbook_per_unit(demo_template, tmp_path, monkeypatch):
    """The demo's 5 projects, all of 上海市体育宣传教育中心, with a limit of 2 sheets: the unit in 3 parts."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, db)
    out = tmp_path / "out"
    monkeypatch.setattr(forms_xlsx, "COMBINED_MAX_SHEETS", 2)
    result = run_cli("export", "selfeval", "--year", "2020", "--out", str(out), db=db, check=True)
    parts = [out / f"自评表_2020_上海市体育宣传教育中心_{k}_全部项目.xlsx" for k in (1, 2, 3)]
    for path in parts:
        assert str(path) in result.stdout  # the command lists what it wrote
    assert not (out / "自评表_2020_全部项目.xlsx").exists()
    books = [load_workbook(p) for p in parts]
    assert [len(b.sheetnames) for b in books] == [2, 2, 1]
    with zipfile.ZipFile(out / "自评表_2020.zip") as zf:
        assert len(zf.namelist()) == 5 + 3  # each project's file and the three parts
    # every project once, its sheet laid out as in its own file
    names = [n for b in books for n in b.sheetnames]
    assert len(set(names)) == 5
    for book in books:
        for ws in book.worksheets:
            single = load_workbook(out / f"自评表_2020_{ws.title}.xlsx").worksheets[0]
            assert sheet_cells(ws) == sheet_cells(single)


def test_workbook_bytes_same_layout_in_either_workbook(demo_template):
    """Formats are made once per workbook: a sheet among others keeps the cells, merges and number formats
    of the same form alone."""
    from core import db
    from core.config import load_config
    from exports.forms import selfeval_forms

    with db.read_connection(demo_template) as con:
        config = load_config(con)
    found, notes = selfeval_forms(demo_template, config, 2020)
    title = config.forms.selfeval_title
    alone = load_workbook(io.BytesIO(forms_xlsx.workbook_bytes([found[-1]], forms_xlsx.write_selfeval, title)))
    together = load_workbook(io.BytesIO(forms_xlsx.workbook_bytes(found, forms_xlsx.write_selfeval, title)))
    a, b = alone.worksheets[0], together.worksheets[-1]
    assert sheet_cells(a) == sheet_cells(b)
    formats = [[(c.number_format, c.font.b, c.fill.fgColor.rgb) for c in row] for row in a.iter_rows()]
    assert formats == [[(c.number_format, c.font.b, c.fill.fgColor.rgb) for c in row] for row in b.iter_rows()]
