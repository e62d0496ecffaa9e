"""The structured targets file: export the loaded seed, load it again, get the same database content."""

import pytest
from helpers import SEED, run_cli, target_contents
from openpyxl import Workbook, load_workbook


@pytest.fixture
def seeded(db_path):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    return db_path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip(seeded, tmp_path, suffix):
    exported = tmp_path / f"targets{suffix}"
    run_cli("export", "targets", "--year", "2020", "--out", str(exported), db=seeded, check=True)
    fresh = tmp_path / "fresh.duckdb"
    out = run_cli("ingest", "targets", str(exported), db=fresh, check=True)
    assert "5 个项目、31 个指标" in out.stdout
    assert target_contents(fresh) == target_contents(seeded)


def test_xlsx_keeps_targets_as_text(seeded, tmp_path):
    exported = tmp_path / "targets.xlsx"
    run_cli("export", "targets", "--out", str(exported), db=seeded, check=True)
    ws = load_workbook(exported).worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("指标目标值") + 1
    targets = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    assert [c.value for c in targets][5:7] == [">=98%", "=100%"]
    assert all(c.data_type == "s" for c in targets)


def test_excel_turned_a_target_into_a_formula(seeded, tmp_path):
    """A user typing =100% in Excel makes a formula; the target is still the text they typed."""
    csv_path = tmp_path / "targets.csv"
    run_cli("export", "targets", "--out", str(csv_path), db=seeded, check=True)
    import csv

    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    wb = Workbook()
    ws = wb.active
    for row in rows:  # the CSV keeps "=100%" inert as "'=100%"; typed into Excel it becomes a formula
        ws.append([c[1:] if c.startswith("'=") else c for c in row])
    xlsx = tmp_path / "typed.xlsx"
    wb.save(xlsx)
    fresh = tmp_path / "fresh.duckdb"
    run_cli("ingest", "targets", str(xlsx), db=fresh, check=True)
    assert target_contents(fresh)["indicator"] == target_contents(seeded)["indicator"]


def test_gbk_csv_loads(seeded, tmp_path):
    utf8 = tmp_path / "targets.csv"
    run_cli("export", "targets", "--out", str(utf8), db=seeded, check=True)
    gbk = tmp_path / "targets_gbk.csv"
    gbk.write_bytes(utf8.read_text(encoding="utf-8-sig").encode("gb18030"))
    fresh = tmp_path / "fresh.duckdb"
    run_cli("ingest", "targets", str(gbk), db=fresh, check=True)
    assert target_contents(fresh) == target_contents(seeded)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_loads(tmp_path, suffix):
    template = tmp_path / f"template{suffix}"
    run_cli("template", "targets", "--out", str(template), check=True)
    db = tmp_path / "t.duckdb"
    refused = run_cli("ingest", "targets", str(template), db=db)  # unedited: its project is 示例：…
    assert refused.returncode == 1 and "请先删除示例行" in refused.stderr
    edited = tmp_path / f"edited{suffix}"
    if suffix == ".csv":
        edited.write_text(template.read_text(encoding="utf-8-sig").replace("示例：", ""), encoding="utf-8")
    else:
        import openpyxl

        wb = openpyxl.load_workbook(template)
        for row in wb.worksheets[0].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = cell.value.removeprefix("示例：")
        wb.save(edited)
    out = run_cli("ingest", "targets", str(edited), db=db, check=True)
    assert "1 个项目、5 个指标" in out.stdout


def test_shipped_templates_are_current(tmp_path):
    """data/templates holds what `perfboard template` writes (the dashboard serves those files)."""
    from helpers import ROOT

    fresh = tmp_path / "t.csv"
    run_cli("template", "targets", "--out", str(fresh), check=True)
    assert (ROOT / "data" / "templates" / "targets_template.csv").read_bytes() == fresh.read_bytes()
    assert (ROOT / "data" / "templates" / "targets_template.xlsx").is_file()


def test_structured_file_problems(tmp_path):
    header = "年度,申报单位名称,项目名称,项目当年预算（元）,一级目标,二级目标,三级目标,指标目标值\n"
    rows = (
        "2021,单位,项目甲,100000,产出目标,数量,培训,>=2期\n"
        "2021,单位,项目甲,,产出目标,数量,培训,>=3期\n"  # duplicate indicator
        "2021,单位,项目甲,999,产出目标,质量,合格率,>=98%\n"  # budget differs from row 2
        "2021,单位,项目乙,abc,满意目标,满意度,满意度,>=90%\n"  # budget not a number, unknown 一级
        "20x1,单位,项目丙,5,产出目标,数量,x,1\n"  # year not a year
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(header + rows, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = run_cli("ingest", "targets", str(bad), db=db)
    assert result.returncode == 1
    err = result.stderr
    assert "bad.csv，第 3 行" in err and "指标重复" in err
    assert "bad.csv，第 4 行，列“项目当年预算（元）”" in err and "不一致" in err
    assert "bad.csv，第 5 行，列“项目当年预算（元）”：“abc”不是数字" in err
    assert "bad.csv，第 5 行，列“一级目标”：未知的一级目标“满意目标”" in err
    assert "bad.csv，第 6 行，列“年度”" in err
    missing = tmp_path / "missing.csv"
    missing.write_text("年度,项目名称\n2021,x\n", encoding="utf-8")
    result = run_cli("ingest", "targets", str(missing), db=db)
    assert "缺少必需的列" in result.stderr and "指标目标值" in result.stderr
