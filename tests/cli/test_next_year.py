"""``perfboard targets next-year``: the 2021 draft from the 2020 demo, its content by hand, loaded as 2021."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from helpers import run_cli

MUSEUM = "上海体育文史业务经费"


@pytest.fixture
def demo(demo_template, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    wal = demo_template.with_name(demo_template.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, path.with_name(path.name + ".wal"))
    return path


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_draft_content_and_load(demo, tmp_path):
    out = tmp_path / "targets_2021.csv"
    result = run_cli("targets", "next-year", "--from", "2020", "--out", str(out), db=demo, check=True)
    assert "2021年绩效目标草稿，5个项目，31个指标" in result.stdout
    rows = _rows(out)
    assert len(rows) == 31 and {r["年度"] for r in rows} == {"2021"}
    assert {r["计划开始日期"] for r in rows} == {"2021-01-01"} and {r["计划完成日期"] for r in rows} == {"2021-12-31"}
    museum = [r for r in rows if r["项目名称"] == MUSEUM]
    # the museum's budget was cut to 34,000,000 in July (the demo's 预算调整): the budget in force at December;
    # 33,467,910 is its spending to date at December
    assert {(r["同名项目上年预算额（元）"], r["同名项目上年预算执行数（元）"]) for r in museum} == {
        ("34000000.00", "33467910.00")
    }
    # same indicators, targets verbatim
    with duckdb.connect(str(demo), read_only=True) as con:
        stored = con.execute(
            "SELECT p.name, i.level3, i.target_text FROM indicator i JOIN project p USING (project_id) "
            "WHERE p.year = 2020 ORDER BY p.project_id, i.seq"
        ).fetchall()
    assert [(r["项目名称"], r["三级目标"], r["指标目标值"].removeprefix("'")) for r in rows] == stored
    # 同比 indicators judged by their values carry December's value as 2021's 基期值 (14 门类, 6,210 件)
    baselines = _rows(tmp_path / "targets_2021_基期值.csv")
    assert [(b["三级指标"], b["月份"], b["类型"], b["数值"]) for b in baselines] == [
        ("体育藏品范围", "2021-01", "基期值", "14"),
        ("丰富体育藏品数量和质量", "2021-01", "基期值", "6210"),
    ]

    run_cli("ingest", "targets", str(out), db=demo, check=True)
    run_cli("ingest", "actuals", str(tmp_path / "targets_2021_基期值.csv"), db=demo, check=True)
    with duckdb.connect(str(demo), read_only=True) as con:
        # what the dashboard's year selector lists (dashboard.data.years)
        years = [y for (y,) in con.execute("SELECT DISTINCT year FROM project ORDER BY year DESC").fetchall()]
        carried = con.execute(
            "SELECT i.level3, r.value FROM reference_value r JOIN indicator i USING (indicator_id) "
            "JOIN project p USING (project_id) WHERE p.year = 2021 ORDER BY r.value"
        ).fetchall()
        prev = con.execute("SELECT prev_budget FROM project WHERE year = 2021 AND name = ?", [MUSEUM]).fetchone()
    assert years == [2021, 2020]
    assert carried == [("体育藏品范围", 14.0), ("丰富体育藏品数量和质量", 6210.0)]
    assert float(prev[0]) == 34_000_000


def test_xlsx_by_default_name(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("targets", "next-year", "--from", "2020", "--lang", "en", db=demo, check=True)
    assert "2021 targets drafted, 5 projects, 31 indicators" in result.stdout
    assert (tmp_path / "targets_2021_draft.xlsx").exists() and (tmp_path / "targets_2021_draft_基期值.xlsx").exists()


def test_no_such_year(demo, tmp_path):
    result = run_cli("targets", "next-year", "--from", "2019", "--out", str(tmp_path / "x.csv"), db=demo)
    assert result.returncode == 2 and "2019年没有项目" in result.stderr


def test_settings_page_offers_the_draft(demo_template, tmp_path, monkeypatch):
    from dash_helpers import app

    path = tmp_path / "dash.duckdb"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("PERFBOARD_DB", str(path))
    at = app(None, page="views/settings.py")
    next(b for b in at.button if b.key == "next_year_make").click().run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 绩效目标表_2021_草稿.xlsx", "下载 绩效目标表_2021_草稿_基期值.xlsx"]
