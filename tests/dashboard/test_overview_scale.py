"""The overview at scale: units as rows that open into their projects, pages of 25, and the project
page's paths equal to the status of each month (no timing here: benchmarks measure speed)."""

from __future__ import annotations

import json

import duckdb
import pytest
from dash_helpers import app, drawn_charts, matrix_lights
from helpers import run_cli

UNITS = {  # the demo's five projects spread over three units
    "上海体育系统人员培训经费": "甲单位",
    "上海体育文史业务经费": "乙单位",
    "上海体育宣传服务经费": "乙单位",
    "上海体育公共服务经费": "丙单位",
    "上海市体育局信息技术保障经费": "丙单位",
}


def write(path, *statements) -> None:
    con = duckdb.connect(str(path))
    try:
        for sql, params in statements:
            con.execute(sql, params)
        con.execute("CHECKPOINT")
    finally:
        con.close()


@pytest.fixture
def three_units(demo_db):
    write(demo_db, *[("UPDATE project SET unit = ? WHERE name = ?", [u, n]) for n, u in UNITS.items()])
    return demo_db


def cli_report(path, month: str) -> dict:
    return json.loads(run_cli("status", "--month", month, "--format", "json", db=path, check=True).stdout)


def test_units_are_rows_that_open_into_their_projects(three_units):
    at = app("2020-06")
    labels = [e.label for e in at.expander]
    assert len(labels) == 3 and all(any(u in label for label in labels) for u in ("甲单位", "乙单位", "丙单位"))
    assert "1 个项目" in next(label for label in labels if "甲单位" in label)
    assert "2 个项目" in next(label for label in labels if "乙单位" in label)
    assert not [h for h in at.html if 'id="pb-matrix"' in h.value]  # nothing opened: no lights sent
    at.session_state["unit:乙单位"] = True
    at.run()
    lights = matrix_lights(at)
    assert {p for p, _ in lights} == {"上海体育文史业务经费", "上海体育宣传服务经费"}
    every = cli_report(three_units, "2020-06")
    expected = {(p["name"], i["name"]): i["status"] for p in every["projects"] for i in p["indicators"]}
    assert lights == {k: v for k, v in expected.items() if UNITS[k[0]] == "乙单位"}


def test_one_unit_keeps_the_flat_view(demo_db):
    at = app("2020-06")
    assert not at.expander
    assert len({p for p, _ in matrix_lights(at)}) == 5


def copies_of_a_project(path, n: int) -> None:
    """``n`` more projects in the demo's one unit: copies of 上海体育文史业务经费 (indicators, bindings, values)."""
    con = duckdb.connect(str(path))
    try:
        (pid,) = con.execute("SELECT project_id FROM project WHERE name = '上海体育文史业务经费'").fetchone()
        (top_p,) = con.execute("SELECT max(project_id) FROM project").fetchone()
        (top_i,) = con.execute("SELECT max(indicator_id) FROM indicator").fetchone()
        for k in range(1, n + 1):
            new, off = top_p + k, top_i + 100 * k
            con.execute(
                "INSERT INTO project SELECT * REPLACE (? AS project_id, name || ? AS name) FROM project"
                " WHERE project_id = ?",
                [new, f"副本{k:02d}", pid],
            )
            con.execute(
                f"INSERT INTO indicator SELECT * REPLACE (indicator_id + {off} AS indicator_id, {new} AS project_id)"
                " FROM indicator WHERE project_id = ?",
                [pid],
            )
            con.execute(
                f"INSERT INTO binding SELECT * REPLACE (indicator_id + {off} AS indicator_id) FROM binding"
                " WHERE indicator_id IN (SELECT indicator_id FROM indicator WHERE project_id = ?)",
                [pid],
            )
            con.execute(
                f"INSERT INTO budget_month SELECT * REPLACE ({new} AS project_id) FROM budget_month"
                " WHERE project_id = ?",
                [pid],
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def test_pages_of_25_projects_worst_first(demo_db):
    """5 demo projects and 26 copies: 31 projects, two pages (25 + 6), together the CLI's lights, in order."""
    copies_of_a_project(demo_db, 26)
    at = app("2020-06")
    assert at.number_input(key="page").max == 2
    first = matrix_lights(at)
    at.number_input(key="page").set_value(2).run()
    second = matrix_lights(at)
    shown = [p for p, _ in first] + [p for p, _ in second]
    projects = list(dict.fromkeys(shown))
    assert len(projects) == 31 and len(set(p for p, _ in first)) == 25
    report = cli_report(demo_db, "2020-06")
    assert {**first, **second} == {
        (p["name"], i["name"]): i["status"] for p in report["projects"] for i in p["indicators"]
    }
    order = ["red", "yellow", "grey", "green", "blue"]
    ranks = {p["name"]: order.index(p["status"]) for p in report["projects"]}
    assert [ranks[p] for p in projects] == sorted(ranks[p] for p in projects)  # worst light first across pages


def test_project_page_draws_each_indicator_path(demo_db):
    at = app("2020-06", page="views/project.py", project="上海体育文史业务经费")
    paths = drawn_charts(at)
    assert len(paths) == 10  # an indicator path each (all of them: SVG, no page of twelve)
    assert len(drawn_charts(at, wide=True)) == 1  # and the budget S-curve
    assert not at.get("plotly_chart")  # the project page loads no Plotly
