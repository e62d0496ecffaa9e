"""Reloading a targets table that leaves out an indicator with values: refused, or with --drop-missing
the indicator is marked removed and keeps its values (never orphaned)."""

import csv
import json

import duckdb
import pytest
from helpers import run_cli

HEAD = ["年度", "申报单位名称", "项目名称", "项目当年预算（元）", "一级目标", "二级目标", "三级目标", "指标目标值"]
PROJECT = "重载测试项目"
ROWS = {
    "微课堂": ["2020", "单位", PROJECT, "100000", "产出目标", "数量", "微课堂", ">=10期"],
    "培训班": ["2020", "单位", PROJECT, "100000", "产出目标", "数量", "培训班", ">=2期"],
    "满意度": ["2020", "单位", PROJECT, "100000", "满意度指标", "服务对象满意度", "满意度", ">=90%"],
}


def targets(tmp_path, names, file="targets.csv"):
    path = tmp_path / file
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEAD, *(ROWS[n] for n in names)])
    return path


def query(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Three indicators; 微课堂 has two months of values and one correction (3 rows), 满意度 a reference."""
    tmp_path = tmp_path_factory.mktemp("reload")
    db_path = tmp_path / "loaded.duckdb"
    run_cli("ingest", "targets", str(targets(tmp_path, ROWS)), db=db_path, check=True)
    values = tmp_path / "values.csv"
    values.write_text(
        f"项目名称,三级指标,月份,实际值\n{PROJECT},微课堂,2020-01,4\n{PROJECT},微课堂,2020-02,8\n", encoding="utf-8"
    )
    fix = tmp_path / "fix.csv"
    fix.write_text(f"项目名称,三级指标,月份,实际值\n{PROJECT},微课堂,2020-02,9\n", encoding="utf-8")
    ref = tmp_path / "ref.csv"
    ref.write_text(f"项目名称,三级指标,月份,类型,数值\n{PROJECT},满意度,2020-06,参考值,85\n", encoding="utf-8")
    for f in (values, fix, ref):
        run_cli("ingest", "actuals", str(f), db=db_path, check=True)
    return db_path


@pytest.fixture
def db(loaded, db_path):
    db_path.write_bytes(loaded.read_bytes())  # each test changes its own copy
    return db_path


def snapshot(db):
    tables = ("project", "indicator", "removed_indicator", "indicator_value", "reference_value", "load_log", "audit")
    return {t: query(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}


def test_a_reload_that_drops_indicators_with_values_is_refused(db, tmp_path):
    before = snapshot(db)
    out = run_cli("ingest", "targets", str(targets(tmp_path, ["培训班"])), db=db)
    assert out.returncode == 1
    assert out.stderr.splitlines()[0] == (
        f"targets.csv，第 2 行：重新载入将删除项目“{PROJECT}”中已有数据的指标：“微课堂”（3 条数据）、“满意度”（1 条数据）；"
        "如确需删除，请加 --drop-missing（数据随指标保留，指标标记为已删除）"
    )
    assert snapshot(db) == before


def test_the_refusal_in_english(db, tmp_path):
    out = run_cli("ingest", "targets", str(targets(tmp_path, ["微课堂", "培训班"])), "--lang", "en", db=db)
    assert out.returncode == 1
    assert (
        "reloading would remove indicators of project “重载测试项目” that have data: “满意度” (1 values)" in out.stderr
    )


def test_an_indicator_without_values_is_simply_dropped(db, tmp_path):
    run_cli("ingest", "targets", str(targets(tmp_path, ["微课堂", "满意度"])), db=db, check=True)
    assert query(db, "SELECT level3 FROM indicator ORDER BY seq") == [("微课堂",), ("满意度",)]
    assert query(db, "SELECT count(*) FROM removed_indicator") == [(0,)]


def test_drop_missing_keeps_the_values_with_the_removed_indicator(db, tmp_path):
    ids = dict(query(db, "SELECT level3, indicator_id FROM indicator"))
    out = run_cli("ingest", "targets", str(targets(tmp_path, ["培训班"])), "--drop-missing", db=db)
    assert out.returncode == 0, out.stderr
    assert f"已删除项目“{PROJECT}”的指标“微课堂”（其 3 条数据保留，指标标记为已删除）" in out.stdout
    load_id = query(db, "SELECT max(load_id) FROM load_log WHERE kind = 'targets'")[0][0]
    assert query(db, "SELECT level3 FROM indicator") == [("培训班",)]
    assert query(db, "SELECT level3, indicator_id, removed_by FROM removed_indicator ORDER BY seq") == [
        ("微课堂", ids["微课堂"], load_id),
        ("满意度", ids["满意度"], load_id),
    ]
    # every value still belongs to an indicator: none is orphaned
    assert query(db, "SELECT count(*) FROM indicator_value") == [(3,)]
    orphans = query(
        db,
        "SELECT count(*) FROM (SELECT indicator_id FROM indicator_value UNION ALL SELECT indicator_id FROM reference_value)"
        " WHERE indicator_id NOT IN (SELECT indicator_id FROM indicator UNION SELECT indicator_id FROM removed_indicator)",
    )
    assert orphans == [(0,)]
    # the audit says what went
    after = json.loads(query(db, f"SELECT after FROM audit WHERE load_id = {load_id}")[0][0])
    assert after["removed_with_values"] == [
        {"project": PROJECT, "indicator": "微课堂", "values": 3},
        {"project": PROJECT, "indicator": "满意度", "values": 1},
    ]


def test_a_removed_indicator_has_no_light_and_takes_no_uploads(db, tmp_path):
    run_cli("ingest", "targets", str(targets(tmp_path, ["培训班"])), "--drop-missing", db=db, check=True)
    status = run_cli("status", "--format", "json", "--month", "2020-06", db=db, check=True)
    assert "微课堂" not in status.stdout and "培训班" in status.stdout
    late = tmp_path / "late.csv"
    late.write_text(f"项目名称,三级指标,月份,实际值\n{PROJECT},微课堂,2020-03,12\n", encoding="utf-8")
    out = run_cli("ingest", "actuals", str(late), db=db)
    assert out.returncode == 1 and f"项目“{PROJECT}”没有三级指标“微课堂”" in out.stderr


def test_naming_a_removed_indicator_again_brings_it_back_with_its_values(db, tmp_path):
    ids = dict(query(db, "SELECT level3, indicator_id FROM indicator"))
    run_cli("ingest", "targets", str(targets(tmp_path, ["培训班"])), "--drop-missing", db=db, check=True)
    run_cli("ingest", "targets", str(targets(tmp_path, ["微课堂", "培训班"], "again.csv")), db=db, check=True)
    assert dict(query(db, "SELECT level3, indicator_id FROM indicator")) == {k: ids[k] for k in ("微课堂", "培训班")}
    assert query(db, "SELECT level3 FROM removed_indicator") == [("满意度",)]
    assert query(db, f"SELECT count(*) FROM indicator_value WHERE indicator_id = {ids['微课堂']}") == [(3,)]
