"""Hostile text stays inert end to end: upload → database → page → XLSX → CSV → PDF."""

import csv
import io
import re
import subprocess

import duckdb
import pytest
from dash_helpers import app
from helpers import run_cli
from openpyxl import load_workbook

from core.accounts import ensure_demo_accounts
from dashboard.render import plain

SCRIPT = "<script>alert('x')</script>项目"
LINK = "[点我](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'
CONTROL = "换行\x07响铃\x1b[31m红"
LONG = "长" * 3000


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    rows = [
        [
            "年度",
            "申报单位名称",
            "项目名称",
            "项目当年预算（元）",
            "总目标及阶段性目标",
            "一级目标",
            "二级目标",
            "三级目标",
            "指标目标值",
        ],
        ["2020", "单位", SCRIPT, "100000", LINK + LONG, "产出目标", "数量", LINK, FORMULA],
        ["2020", "单位", SCRIPT, "", "", "产出目标", "质量", CONTROL, "@SUM(1+1)"],
        ["2020", "单位", SCRIPT, "", "", "效果目标", "社会效益", "+cmd|' /C calc'!A0", "-2+3"],
    ]
    targets = tmp_path / "hostile.csv"
    with open(targets, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    db = tmp_path / "hostile.duckdb"
    run_cli("ingest", "targets", str(targets), db=db, check=True)
    note = tmp_path / "note.csv"
    note.write_text(
        "项目名称,三级指标,月份,评级,完成目标可能性,偏差原因,纠偏措施,备注\n"
        f"{SCRIPT},{LINK},2020-06,部分达成,有可能,{FORMULA},<img src=x onerror=alert(1)>,{SCRIPT}\n",
        encoding="utf-8",
    )
    run_cli("ingest", "actuals", str(note), db=db, check=True)
    ensure_demo_accounts(db, "demo-password-1")
    monkeypatch.setenv("PERFBOARD_DB", str(db))
    return db


def test_database_keeps_the_text_verbatim(hostile_db):
    con = duckdb.connect(str(hostile_db), read_only=True)
    names = [r[0] for r in con.execute("SELECT level3 FROM indicator ORDER BY seq").fetchall()]
    targets = [r[0] for r in con.execute("SELECT target_text FROM indicator ORDER BY seq").fetchall()]
    con.close()
    assert names == [LINK, CONTROL, "+cmd|' /C calc'!A0"]
    assert targets == [FORMULA, "@SUM(1+1)", "-2+3"]


def test_pages_show_text_never_markup(hostile_db):
    at = app("2020-06", user="demo-admin")
    body = next(h.value for h in at.html if 'id="pb-matrix"' in h.value)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "<img" not in body
    assert 'href="javascript' not in body
    project = app("2020-06", page="views/project.py", user="demo-admin", project=SCRIPT)
    assert project.title[0].value == plain(SCRIPT)  # a title is text: Markdown and HTML escaped
    assert all("<script>" not in h.value for h in project.html)
    assert project.get("text")[0].value.startswith(LINK)  # prose via st.text: no Markdown link


def test_exports_keep_formulas_inert(hostile_db, tmp_path):
    out = tmp_path / "status.xlsx"
    run_cli("export", "status", "--month", "2020-06", "--out", str(out), db=hostile_db, check=True)
    ws = load_workbook(out).worksheets[0]
    texts = {c.value: c.data_type for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert texts[FORMULA] == "s" and texts["@SUM(1+1)"] == "s"
    csv_out = tmp_path / "status.csv"
    run_cli("export", "status", "--month", "2020-06", "--out", str(csv_out), db=hostile_db, check=True)
    cells = [c for row in csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))) for c in row]
    assert "'" + FORMULA in cells and "'@SUM(1+1)" in cells and "'+cmd|' /C calc'!A0" in cells
    assert FORMULA not in cells
    forms = tmp_path / "forms"
    run_cli("export", "selfeval", "--year", "2020", "--out", str(forms), db=hostile_db, check=True)
    workbook = next(forms.glob("*全部项目.xlsx"))
    sheet = load_workbook(workbook).worksheets[0]
    kinds = {c.value: c.data_type for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert kinds[FORMULA] == "s"
    run_cli("export", "selfeval", "--year", "2020", "--format", "pdf", "--out", str(forms), db=hostile_db, check=True)
    pdf = next(forms.glob("*全部项目.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "HYPERLINK" in re.sub(r"\s+", "", text)


def test_upload_file_names_never_become_paths(hostile_db, tmp_path):
    from dashboard import data

    upload, _ = data.check_upload(b"\xef\xbb\xbf", "../../../../etc/passwd.csv")
    assert upload.problems and upload.problems[0].file == "../../../../etc/passwd.csv"  # only shown, never opened
    folder = tmp_path / "f"
    folder.mkdir()
    assert data._saved(b"x", "../../evil.xlsx", folder) == folder / "upload.xlsx"
    assert data._saved(b"x", "evil.sh", folder) == folder / "upload.bin"
