"""The forms from the real command on the demo data: XLSX cells, PDF text, the year-end freeze."""

import re
import shutil
import subprocess
import zipfile

import pytest
from helpers import run_cli
from openpyxl import load_workbook

MUSEUM = "上海体育文史业务经费"


@pytest.fixture(scope="module")
def demo_db(demo_template, tmp_path_factory):
    """The session's demo, copied once for this module (its tests only read it)."""
    db = tmp_path_factory.mktemp("forms") / "demo.duckdb"
    shutil.copyfile(demo_template, db)
    return db


def pdf_text(path) -> str:
    """The PDF's text as poppler's pdftotext reads it, without white space."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def cells(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def find_row(rows, text):
    return next(r for r in rows if text in [v for v in r if isinstance(v, str)])


def test_selfeval_xlsx(demo_db, tmp_path):
    out = run_cli("export", "selfeval", "--year", "2020", "--out", str(tmp_path), db=demo_db, check=True)
    assert f"{MUSEUM}\t89.11 良" in out.stdout
    # the museum's visitors carry the reason entered in January (the monthly cycle asks it of a red light);
    # and the publicity project's slow report of August its August explanation: nothing is left 【待补充】
    assert "缺少偏差原因分析及改进措施" not in out.stderr
    assert "宣传服务经费：实际完成情况有5处为草稿" in out.stderr  # the drafts wait for staff to confirm them
    publicity = cells(load_workbook(tmp_path / "自评表_2020_上海体育宣传服务经费.xlsx").worksheets[0])
    assert "先报后核" in find_row(publicity, "宣传服务经费")[-1]
    wb = load_workbook(tmp_path / f"自评表_2020_{MUSEUM}.xlsx")
    ws = wb.worksheets[0]
    rows = cells(ws)
    assert rows[0][0] == "项目支出绩效自评表" and rows[1][0] == "（2020年度）"
    assert find_row(rows, "项目名称")[2] == MUSEUM
    assert find_row(rows, "主管部门")[2] == "上海市体育局"
    funds = find_row(rows, "年度资金总额")
    # 年初 35,987,000, 全年 34,000,000 after the July cut; 33,467,910 ÷ 34,000,000 = 98.44% → 9.84 points
    assert funds[2:5] == [35987000, 34000000, 33467910] and funds[5] == 10
    assert round(funds[6], 4) == 0.9844 and funds[7] == 9.84
    assert find_row(rows, "上年结转资金")[2:] == ["—"] * 6
    auction = find_row(rows, "体育藏品拍卖")
    # 实际完成值: the figure, then the drafted 实际完成情况, marked 【草稿】 until staff confirm it
    assert auction[3:7] == ["=100%", "100%\n【草稿】体育藏品拍卖为100%，达到年度目标（目标100%）", 11.25, 11.25]
    target_cell = ws.cell(row=rows.index(auction) + 1, column=4)
    assert target_cell.data_type == "s"  # "=100%" stays text, never a formula
    visitors = find_row(rows, "提升博物馆的社会知名度，让公众进一步了解上海体育历史")
    assert visitors[3] == "参观人数、次数增加" and visitors[6] == 0.52  # 6.75 × 10,800 / 139,500
    assert visitors[7].startswith("1月下旬起受疫情影响闭馆")  # 偏差原因 entered during the year, carried forward
    total = find_row(rows, "总分")
    assert total[5:8] == [100, 89.11, "自评等级：良"]
    assert "产出指标（56.25分）" in [v for r in rows for v in r]
    assert ws.freeze_panes == "A5" and str(ws.page_setup.paperSize) == "9"


def test_combined_workbook_and_zip(demo_db, tmp_path):
    run_cli("export", "selfeval", "--year", "2020", "--out", str(tmp_path), db=demo_db, check=True)
    combined = load_workbook(tmp_path / "自评表_2020_全部项目.xlsx")
    assert len(combined.sheetnames) == 5 and MUSEUM in combined.sheetnames
    with zipfile.ZipFile(tmp_path / "自评表_2020.zip") as zf:
        assert len(zf.namelist()) == 6


def test_selfeval_pdf(demo_db, tmp_path):
    run_cli(
        "export",
        "selfeval",
        "--year",
        "2020",
        "--project",
        MUSEUM,
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        db=demo_db,
        check=True,
    )
    pdf = tmp_path / f"自评表_2020_{MUSEUM}.pdf"
    text = pdf_text(pdf)
    for expected in (
        "项目支出绩效自评表",
        MUSEUM,
        "体育藏品拍卖",
        "参观人数、次数增加",
        "总分",
        "89.11",
        "自评等级：良",
        "第1页",
    ):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts and " yes " in fonts  # the CJK font is embedded


def test_monitor_form(demo_db, tmp_path):
    run_cli("export", "monitor", "--year", "2020", "--month", "2020-06", "--out", str(tmp_path), db=demo_db, check=True)
    rows = cells(load_workbook(tmp_path / "监控表_2020年1-6月_上海体育公共服务经费.xlsx").worksheets[0])
    assert rows[0][0] == "项目支出绩效目标执行监控表" and rows[1][0] == "（2020年1–6月）"
    heads = find_row(rows, "1–6月执行数")
    values = rows[rows.index(heads) + 1]
    assert values[1] == values[3] == 2150040  # 年初预算数, 全年预算数 (no adjustment)
    assert values[4] == pytest.approx(855715.92) and values[5] == pytest.approx(0.398)
    assert values[6] == pytest.approx(855715.92 * 2)  # projected at the run rate
    assert heads[6] == "全年预计执行数（按当前进度）"
    rate = find_row(rows, "处理12345热线工单办结率\n年度指标值：>=95%")
    # as of 30 June: 507 of 538 closed (tickets closed in July do not count yet), below 95%: at risk
    assert rate[3] == "94.24%" and rate[5] == "有可能"
    plan = find_row(rows, "12345按期接单率（每月）\n年度指标值：>=99%")
    assert rows[rows.index(plan) - 1][0] == "计划内目标"  # the level's label on its first row
    assert plan[3] == "3个月未达标，最低97.01%" and "3个月按期接单率未达99%" in plan[6]
    run_cli(
        "export",
        "monitor",
        "--year",
        "2020",
        "--month",
        "2020-06",
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        db=demo_db,
        check=True,
    )
    text = pdf_text(tmp_path / "监控表_2020年1-6月_全部项目.pdf")
    assert "项目支出绩效目标执行监控表" in text and "1–6月执行数" in text


def test_year_end_freeze(demo_copy, tmp_path):
    db = demo_copy
    run_cli("summaries", "confirm", "--year", "2020", "--project", MUSEUM, db=db, check=True)  # no draft remains
    out = run_cli(
        "export",
        "selfeval",
        "--year",
        "2020",
        "--project",
        MUSEUM,
        "--final",
        "--out",
        str(tmp_path / "a"),
        db=db,
        check=True,
    )
    assert f"{MUSEUM}\t89.11 良" in out.stdout and "已定稿并记录快照" in out.stderr
    change = tmp_path / "rating.csv"
    change.write_text(
        "项目名称,三级指标,月份,评级\n上海体育文史业务经费,藏品收购时间计划,2020-12,达成\n", encoding="utf-8"
    )
    run_cli("ingest", "actuals", str(change), db=db, check=True)
    later = run_cli(
        "export", "selfeval", "--year", "2020", "--project", MUSEUM, "--out", str(tmp_path / "b"), db=db, check=True
    )
    assert f"{MUSEUM}\t91.36 优" in later.stdout  # 部分达成 9.00 → 达成 11.25
    assert "当前数据与" in later.stderr and "定稿快照不一致" in later.stderr
    again = run_cli(
        "export",
        "selfeval",
        "--year",
        "2020",
        "--project",
        MUSEUM,
        "--from-snapshot",
        "--out",
        str(tmp_path / "c"),
        db=db,
        check=True,
    )
    assert f"{MUSEUM}\t89.11 良" in again.stdout
    rows = cells(load_workbook(tmp_path / "c" / f"自评表_2020_{MUSEUM}.xlsx").worksheets[0])
    assert find_row(rows, "总分")[6] == 89.11
