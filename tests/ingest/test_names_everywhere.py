"""Project, indicator and item names: stored in one normal form, and found however they are typed.

Before: indicator names with spaces could never receive data (uploads dropped every space before
matching, the table kept them) and project names lost their spaces on load.
"""

import csv

import duckdb
import pytest
from helpers import DATA, run_cli

from ingest.entry import Entry, enter_value

HEAD = ["年度", "申报单位名称", "项目名称", "项目当年预算（元）", "一级目标", "二级目标", "三级目标", "指标目标值"]
TYPED = "  Shanghai  Open　体育经费 "  # doubled space, ideographic space, padding
PROJECT = "Shanghai Open 体育经费"
INDICATOR = "党校 微课堂"


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def targets(tmp_path, project=TYPED, indicator="党校  微课堂"):
    return write_csv(
        tmp_path / "targets.csv",
        [
            HEAD,
            ["2020", "单位", project, "100000", "产出目标", "数量", indicator, ">=10期"],
            ["2020", "", project, "", "产出目标", "质量", "微课堂品质", "逐步提高"],
        ],
    )


def query(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(db_path, tmp_path):
    run_cli("ingest", "targets", str(targets(tmp_path)), db=db_path, check=True)
    return db_path


def test_names_are_stored_in_their_normal_form(db):
    assert query(db, "SELECT name FROM project") == [(PROJECT,)]
    assert query(db, "SELECT level3 FROM indicator ORDER BY seq") == [(INDICATOR,), ("微课堂品质",)]


def test_an_indicator_with_a_space_receives_data_however_it_is_typed(db, tmp_path):
    rows = [
        ["项目名称", "三级指标", "月份", "实际值"],
        ["Ｓhanghai Open 体育经费", "党校 微课堂", "2020-01", "1"],  # full-width letter
        [PROJECT, "党校　微课堂", "2020-02", "2"],  # ideographic space
        [PROJECT, "党校微课堂", "2020-03", "3"],  # no space: the one indicator that is "党校微课堂" without spaces
        [PROJECT, " 党校\t微课堂 ", "2020-04", "4"],
    ]
    run_cli("ingest", "actuals", str(write_csv(tmp_path / "v.csv", rows)), db=db, check=True)
    assert query(db, "SELECT DISTINCT i.level3 FROM indicator_value v JOIN indicator i USING (indicator_id)") == [
        (INDICATOR,)
    ]
    assert query(db, "SELECT count(*) FROM indicator_value") == [(4,)]


def test_a_form_entry_is_matched_the_same_way(db):
    enter_value(Entry(project=" Shanghai Open 体育经费", indicator="党校微课堂", month="2020-05", value="5"), db)
    assert query(db, "SELECT value FROM indicator_value") == [(5.0,)]


def test_two_spellings_of_one_indicator_and_month_are_duplicates(db, tmp_path):
    rows = [
        ["项目名称", "三级指标", "月份", "实际值"],
        [PROJECT, "党校 微课堂", "2020-01", "1"],
        [PROJECT, "党校微课堂", "2020-01", "2"],
    ]
    out = run_cli("ingest", "actuals", str(write_csv(tmp_path / "v.csv", rows)), db=db)
    assert out.returncode == 1
    assert "v.csv，第 3 行：与第 2 行重复" in out.stderr


def test_an_item_is_stored_with_the_spelling_of_the_target_table(db, tmp_path):
    rows = [["项目名称", "月份", "事项", "数量"], [PROJECT, "2020-01", "党校微课堂", "4"]]
    run_cli("ingest", "actuals", str(write_csv(tmp_path / "d.csv", rows)), db=db, check=True)
    assert query(db, "SELECT item, count FROM deliverable_month") == [(INDICATOR, 4)]


def test_names_stored_before_the_rule_stay_matchable(db, tmp_path):
    """A database loaded by the old code: project name without its spaces, indicator name with two."""
    con = duckdb.connect(str(db))
    con.execute("UPDATE project SET name = 'ShanghaiOpen体育经费'")
    con.execute("UPDATE indicator SET level3 = '党校  微课堂' WHERE seq = 1")
    ids = con.execute("SELECT project_id, indicator_id FROM indicator ORDER BY seq").fetchall()
    con.close()
    rows = [["项目名称", "三级指标", "月份", "实际值"], [PROJECT, INDICATOR, "2020-01", "1"]]
    run_cli("ingest", "actuals", str(write_csv(tmp_path / "v.csv", rows)), db=db, check=True)
    assert query(db, "SELECT indicator_id FROM indicator_value") == [(ids[0][1],)]
    # reloading the table finds the same project and indicators (ids kept) and stores the normal form
    run_cli("ingest", "targets", str(targets(tmp_path)), db=db, check=True)
    assert query(db, "SELECT project_id, indicator_id FROM indicator ORDER BY seq") == ids
    assert query(db, "SELECT name FROM project") == [(PROJECT,)]
    assert query(db, "SELECT level3 FROM indicator WHERE seq = 1") == [(INDICATOR,)]


def test_text_export_drops_the_spaces_extraction_leaves_between_chinese_characters(db_path, tmp_path):
    text = (DATA / "targets" / "one_project.txt").read_text(encoding="utf-8")
    old = "项目名称： 上海体育系统人员培训经费 项目类别："
    assert old in text
    path = tmp_path / "one.txt"
    path.write_text(text.replace(old, "项目名称： Shanghai  Open 体育 培训经费 项目类别："), encoding="utf-8")
    run_cli("ingest", "targets", str(path), db=db_path, check=True)
    assert query(db_path, "SELECT name FROM project") == [("Shanghai Open体育培训经费",)]
