"""`perfboard ingest targets` on target tables in other layouts: a complete and a truncated project in one
file load, the truncated one flagged 不完整; --strict refuses the file; status JSON and the forms say so."""

import json

import duckdb
import pytest
from helpers import run_cli, target_contents
from target_layouts import DISTRICT, MUNICIPAL, TRUNCATED_NAME, file_rows, truncated_missing, write


@pytest.fixture
def mixed(tmp_path):
    """The district layout as a pipe table: 全民健身赛事经费 whole, then 体育场馆开放补贴 cut short."""
    return write(file_rows(DISTRICT), "pipe", tmp_path, "district")


def test_strict_refuses_a_file_with_an_incomplete_project(db_path, mixed):
    run_cli("init", db=db_path, check=True)
    result = run_cli("ingest", "targets", "--strict", str(mixed), db=db_path)
    assert result.returncode == 1
    assert "district_pipe.txt，第 15 行" in result.stderr  # the truncated project's title line
    assert f"项目“{TRUNCATED_NAME}”的绩效目标表不完整" in result.stderr
    assert "未写入任何数据" in result.stderr
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT count(*) FROM project").fetchone() == (0,)
    con.close()


def test_mixed_file_loads_both_and_flags_the_truncated_one(db_path, mixed):
    result = run_cli("ingest", "targets", str(mixed), db=db_path, check=True)
    assert "已载入 2 个项目、9 个指标" in result.stdout  # 6 whole + 3 of the truncated one
    assert f"项目“{TRUNCATED_NAME}”不完整" in result.stderr and "指标值（第21行“开放时长达标率”）" in result.stderr

    out = run_cli("status", "--year", "2022", "--month", "2022-06", "--format", "json", db=db_path, check=True)
    projects = {p["name"]: p for p in json.loads(out.stdout)["projects"]}
    whole, cut = projects["全民健身赛事经费"], projects[TRUNCATED_NAME]
    assert whole["complete"] is True and whole["missing"] == []
    assert whole["department"] == "区体育局" and whole["implementing_unit"] == "区体育事业发展中心"
    assert whole["project_type"] is None and whole["fund_use"] is None
    assert whole["start"] is None and whole["end"] is None
    assert cut["complete"] is False
    assert cut["missing"] == truncated_missing(DISTRICT, 15)
    empty = [i for i in cut["indicators"] if i["target"] == ""]
    assert len(empty) == 2 and all(i["explanation"].startswith("指标值待补充") for i in empty)

    con = duckdb.connect(str(db_path), read_only=True)
    weights = con.execute(
        "SELECT level1, level_weight FROM indicator i JOIN project p USING (project_id) "
        "WHERE p.name = '全民健身赛事经费' ORDER BY seq"
    ).fetchall()
    con.close()
    assert weights[0] == ("产出指标", 40.0) and weights[3] == ("成本指标", 10.0)


def test_municipal_header_fields_reach_the_json(db_path, tmp_path):
    path = write(file_rows(MUNICIPAL, with_truncated=False), "docx", tmp_path, "municipal")
    run_cli("ingest", "targets", str(path), db=db_path, check=True)
    out = run_cli("status", "--year", "2021", "--month", "2021-06", "--format", "json", db=db_path, check=True)
    (project,) = json.loads(out.stdout)["projects"]
    assert project["complete"] is True and project["missing"] == []
    assert project["department"] == "上海市体育局"
    assert project["project_type"] == "经常性专项业务费" and project["fund_use"] == "专项业务"
    assert (project["start"], project["end"]) == ("2021-01-01", "2021-12-31")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_structured_round_trip_keeps_the_new_fields(db_path, tmp_path, suffix):
    """Load two layouts, export the structured file, load it into a fresh database: the same rows, new fields too."""
    rows = file_rows(MUNICIPAL, with_truncated=False) + file_rows(DISTRICT, with_truncated=False)
    run_cli("ingest", "targets", str(write(rows, "tab", tmp_path, "two")), db=db_path, check=True)
    for year in (2021, 2022):
        out = tmp_path / f"{year}{suffix}"
        run_cli("export", "targets", "--year", str(year), "--out", str(out), db=db_path, check=True)
    fresh = tmp_path / "fresh.duckdb"
    run_cli("ingest", "targets", str(tmp_path / f"2021{suffix}"), str(tmp_path / f"2022{suffix}"), db=fresh, check=True)
    assert target_contents(fresh) == target_contents(db_path)


def test_the_selfevaluation_shows_what_is_missing(db_path, mixed):
    """【待补充】 where the table left a cell empty, and the 不完整 notice among the form's warnings."""
    from core.config import load_config
    from metrics.forms import MISSING_MARK, self_evaluations

    run_cli("ingest", "targets", str(mixed), db=db_path, check=True)
    con = duckdb.connect(str(db_path), read_only=True)
    forms = {f.name: f for f in self_evaluations(con, load_config(), 2022)}
    con.close()
    cut = forms[TRUNCATED_NAME]
    assert [i.target for i in cut.indicators] == ["≥20个", MISSING_MARK, MISSING_MARK]
    assert cut.indicators[2].level3 == MISSING_MARK
    assert any(w.startswith("绩效目标表不完整，待补充：") for w in cut.warnings)
    whole = forms["全民健身赛事经费"]
    assert whole.supervisor == "区体育局" and whole.unit == "区体育事业发展中心"
    # printed level points: 产出 40, 成本 10, 效益 30, 满意度 10 (+ 预算执行率 10 = 100);
    # 产出指标's 40 over its 3 indicators: 13.34 + 13.33 + 13.33
    by_level: dict[str, float] = {}
    for i in whole.indicators:
        by_level[i.level1] = round(by_level.get(i.level1, 0) + i.weight, 2)
    assert by_level == {"产出指标": 40.0, "成本指标": 10.0, "效益指标": 30.0, "满意度指标": 10.0}
    assert whole.total_weight == 100.0
