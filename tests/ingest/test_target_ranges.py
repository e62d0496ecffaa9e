"""A target table's numbers are checked whatever its format: 年度 2000–2100, amounts within DECIMAL(18, 2),
分值 above 0 and at most 100; a table without rows is refused.  Every refusal writes nothing."""

import csv

import duckdb
import pytest
from helpers import DATA, run_cli

HEAD = [
    "年度",
    "申报单位名称",
    "项目名称",
    "项目当年预算（元）",
    "一级目标",
    "二级目标",
    "三级目标",
    "指标目标值",
    "分值",
]
ONE_PROJECT = DATA / "targets" / "one_project.txt"


def load(db, tmp_path, rows, name="targets.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEAD, *rows])
    return run_cli("ingest", "targets", str(path), db=db)


def row(year="2020", budget="100000", weight=""):
    return [year, "单位", "测试项目", budget, "产出目标", "数量", "微课堂", ">=10次", weight]


def stored(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    "year, ok", [("1999", False), ("2000", True), ("2100", True), ("2101", False), ("0000", False)]
)
def test_year_between_2000_and_2100(db_path, tmp_path, year, ok):
    out = load(db_path, tmp_path, [row(year=year)])
    assert (out.returncode == 0) is ok
    if not ok:
        assert f"targets.csv，第 2 行，列“年度”：年度“{year}”不合理，应在 2000–2100 之间" in out.stderr


@pytest.mark.parametrize(
    "budget, message",
    [
        ("10000000000000000", "“10000000000000000”超出允许范围 0–9,999,999,999,999,999.99 元"),  # 10^16
        ("12345678901234567890", "“12345678901234567890”超出允许范围 0–9,999,999,999,999,999.99 元"),
        ("1e309", "“1e309”超出允许范围 0–9,999,999,999,999,999.99 元"),  # was a traceback
        ("-1", "“-1”不能为负数"),
    ],
)
def test_budget_out_of_range_is_refused(db_path, tmp_path, budget, message):
    out = load(db_path, tmp_path, [row(budget=budget)])
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"targets.csv，第 2 行，列“项目当年预算（元）”：{message}" in out.stderr
    assert not db_path.exists() or stored(db_path, "SELECT count(*) FROM load_log") == [(0,)]


def test_the_largest_budget_is_stored_to_the_cent(db_path, tmp_path):
    load(db_path, tmp_path, [row(budget="9999999999999999.99")])
    assert stored(db_path, "SELECT CAST(budget AS VARCHAR) FROM project") == [("9999999999999999.99",)]


@pytest.mark.parametrize(
    "weight, ok",
    [("0.01", True), ("100", True), ("0", False), ("-5", False), ("100.01", False), ("1e309", False)],
)
def test_weight_above_0_and_at_most_100(db_path, tmp_path, weight, ok):
    out = load(db_path, tmp_path, [row(weight=weight)])
    assert (out.returncode == 0) is ok
    if ok:
        assert stored(db_path, "SELECT weight FROM indicator") == [(float(weight),)]
    else:
        assert out.stderr.splitlines()[0] == (
            f"targets.csv，第 2 行，列“分值”：分值“{weight}”应为大于 0、不超过 100 的数（留空则按默认权重分配）"
        )  # one problem: the indicator itself is not reported missing too


@pytest.mark.parametrize("rows", [[], [[""] * 9, [" "] * 9]], ids=["header only", "blank rows"])
def test_a_targets_table_without_rows_writes_nothing(db_path, tmp_path, rows):
    out = load(db_path, tmp_path, rows)
    assert out.returncode == 1
    assert "targets.csv，第 1 行：只有表头，没有数据行" in out.stderr
    assert not db_path.exists() or stored(db_path, "SELECT count(*) FROM load_log") == [(0,)]


def _text_export(tmp_path, old, new):
    text = ONE_PROJECT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "one.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_text_export_year_0000_is_refused(db_path, tmp_path):
    out = run_cli("ingest", "targets", str(_text_export(tmp_path, "（2020年度）", "（0000年度）")), db=db_path)
    assert out.returncode == 1
    assert "one.txt，第 2 行，列“年度”：年度“0000”不合理，应在 2000–2100 之间" in out.stderr


def test_text_export_budget_1e309_is_refused(db_path, tmp_path):
    text = ONE_PROJECT.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "项目当年预算（元）" in t)
    budget = text.splitlines()[line - 1].split("项目当年预算（元）：")[1].strip()
    out = run_cli(
        "ingest",
        "targets",
        str(_text_export(tmp_path, f"项目当年预算（元）： {budget}", "项目当年预算（元）： 1e309")),
        db=db_path,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"one.txt，第 {line} 行，列“项目当年预算（元）”：“1e309”超出允许范围" in out.stderr
