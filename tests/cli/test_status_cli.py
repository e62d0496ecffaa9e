"""`perfboard status` on the demo data: the lights a reader of the seed would agree with."""

import json

import pytest
from helpers import run_cli

MUSEUM_VISITORS = "提升博物馆的社会知名度，让公众进一步了解上海体育历史"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    run_cli("demo", db=db, check=True)
    return db


def report(db, month, *extra):
    out = run_cli("status", "--month", month, "--format", "json", *extra, db=db, check=True)
    return json.loads(out.stdout)


def lights(rep) -> dict:
    return {(p["name"], i["name"]): i for p in rep["projects"] for i in p["indicators"]}


@pytest.mark.parametrize("month", ["2020-06", "2020-12"])
def test_every_indicator_explains_itself(demo_db, month):
    rep = report(demo_db, month)
    indicators = [i for p in rep["projects"] for i in p["indicators"]]
    assert len(indicators) == 31
    assert all(i["explanation"] and i["status"] in {"green", "yellow", "red", "blue", "grey"} for i in indicators)
    assert all(p["budget_explanation"] for p in rep["projects"])


def test_june(demo_db):
    rep = report(demo_db, "2020-06")
    ind = lights(rep)
    museum = ind[("上海体育文史业务经费", MUSEUM_VISITORS)]
    assert museum["status"] == "red" and "上年同期63,600（-85.4%）" in museum["explanation"]
    assert ind[("上海体育系统人员培训经费", "党校微课堂")]["status"] == "blue"  # 26 of the plan's 20
    assert ind[("上海体育系统人员培训经费", "党校干部培训")]["status"] == "red"  # none yet, 1 planned
    assert ind[("上海体育系统人员培训经费", "教练员岗位培训")]["status"] == "red"  # rated 未达成
    assert ind[("上海市体育局信息技术保障经费", "市体育局官网测评")]["status"] == "yellow"  # 部分达成
    projects = {p["name"]: p for p in rep["projects"]}
    hotline = projects["上海体育公共服务经费"]
    assert hotline["execution_rate"] == 0.398 and hotline["budget_status"] == "yellow"
    assert projects["上海体育文史业务经费"]["budget_status"] == "red"  # 12% at half time
    assert projects["上海体育宣传服务经费"]["budget_status"] == "green"
    assert {i["status"] for i in ind.values()} == {"green", "yellow", "red", "blue"}


def test_september_rating_deliberately_missing_is_grey(demo_db):
    ind = lights(report(demo_db, "2020-09"))
    missing = ind[("上海市体育局信息技术保障经费", "工作完成及时性")]
    assert missing["status"] == "grey" and missing["explanation"] == "9月评级未填报"
    assert sum(i["status"] == "grey" for i in ind.values()) == 1


def test_december(demo_db):
    rep = report(demo_db, "2020-12")
    ind = lights(rep)
    assert ind[("上海体育文史业务经费", MUSEUM_VISITORS)]["status"] == "red"
    assert ind[("上海体育宣传服务经费", "宣传服务经费")]["status"] == "red"  # one event reported after 1 h 22 min
    assert "YQ2020-0803" in ind[("上海体育宣传服务经费", "宣传服务经费")]["explanation"]
    assert ind[("上海体育系统人员培训经费", "党校微课堂")]["status"] == "green"  # 50 of 48
    assert all(p["budget_status"] == "green" for p in rep["projects"])
    assert rep["unit"]["indicator_counts"] == {"red": 2, "yellow": 4, "grey": 0, "green": 25, "blue": 0}
    assert rep["unit"]["execution_rate"] == pytest.approx(0.9429, abs=1e-4)


def test_english_and_table(demo_db):
    rep = report(demo_db, "2020-06", "--lang", "en")
    museum = lights(rep)[("上海体育文史业务经费", MUSEUM_VISITORS)]
    assert "visitors by 2020-06 against 63,600 a year earlier (-85.4%)" in museum["explanation"]
    table = run_cli("status", "--month", "2020-06", db=demo_db, check=True).stdout
    assert "党校微课堂" in table and "蓝" in table
