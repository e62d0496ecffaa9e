"""The project page's paths judge all the months in one pass; each month must still say exactly what
``compute_status`` says as of that month (no timing here: benchmarks/project_page_bench.py measures speed)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from core import db
from core.config import BudgetMode, load_config
from metrics.measures import MEASURES, only_project, run
from metrics.paths import COLUMNS, indicator_paths, inputs_at, month_rows, months_of, read_project_year
from metrics.status import compute_status, judge_inputs

MONTHS = (1, 6, 12)  # the revision of September: test_revised_target_is_judged_from_its_month


@pytest.fixture(scope="module")
def demo(demo_template):
    con = db.connect(demo_template, read_only=True)
    try:
        yield con, load_config(con)
    finally:
        con.close()


def known(value):
    """None for a missing value however the frame holds it (None or NaN)."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else value


def test_every_demo_project_path_equals_the_status_of_each_month(demo):
    """Every month: the months before December are judged together in one call (``paths.stacked``) and
    December alone, so each of the twelve is compared with the whole year's status of that month."""
    con, config = demo
    names = [n for (n,) in con.execute("SELECT name FROM project WHERE year = 2020 ORDER BY project_id").fetchall()]
    assert len(names) == 5
    paths = {name: indicator_paths(con, config, 2020, name, 12) for name in names}
    for month in range(1, 13):
        report = compute_status(con, config, 2020, month)
        for project in report.projects:
            got = paths[project.name]
            assert list(got.columns) == COLUMNS
            got = got[got["month"] == month]
            name = project.name
            assert list(got["indicator"]) == [i.name for i in project.indicators], (name, month)
            assert list(got["status"]) == [i.status for i in project.indicators], (name, month)
            assert [known(a) for a in got["actual"]] == [known(i.actual) for i in project.indicators], (name, month)
            assert [known(e) for e in got["expected"]] == [known(i.expected) for i in project.indicators], (name, month)


def test_revised_target_is_judged_from_its_month(demo):
    """The demo revises indicator 12's target in September: months before judge the table's target, months
    from September the revised one, as the status of each month does (the targets are read again then)."""
    con, config = demo
    (name, indicator) = con.execute(
        "SELECT p.name, i.level3 FROM indicator i JOIN project p USING (project_id) WHERE i.indicator_id = 12"
    ).fetchone()
    paths = indicator_paths(con, config, 2020, name, 12)
    for month in (8, 9):
        whole = compute_status(con, config, 2020, month, name).projects[0]
        expected = next(i for i in whole.indicators if i.name == indicator)
        row = paths[(paths["month"] == month) & (paths["indicator"] == indicator)].iloc[0]
        assert (row["status"], known(row["expected"])) == (expected.status, known(expected.expected))


def test_one_query_per_measure_gives_each_months_rows(demo):
    """``months_of`` (every month in one query) returns, month by month (``month_rows``), the rows
    ``measures.run`` gives."""
    con, config = demo
    (pid,) = con.execute("SELECT project_id FROM project WHERE name = '上海体育文史业务经费'").fetchone()
    for name, measure in MEASURES.items():
        together = months_of(con, measure, 2020, list(MONTHS), config, pid)
        for month in MONTHS:
            alone = run(con, measure, 2020, month, config, pid)
            got = month_rows(together, month)
            assert list(got.columns) == list(alone.columns), name
            assert len(got) == len(alone), (name, month)
            for column in alone.columns:  # dtypes may widen (an int column with a NULL in another month)
                pairs = zip(got[column].to_numpy(dtype=object), alone[column].to_numpy(dtype=object), strict=True)
                assert all(same(a, b) for a, b in pairs), (name, month, column)


def same(a, b) -> bool:
    a, b = known(a), known(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def test_unknown_project_or_no_month_gives_no_rows(demo):
    con, config = demo
    assert indicator_paths(con, config, 2020, "没有这个项目", 12).empty
    assert indicator_paths(con, config, 2020, "上海体育文史业务经费", 0).empty


def report_words(project) -> list[tuple]:
    """Everything the project page shows of a project's report: its light and budget figures, each
    indicator's light, figures and both explanations, and its budget adjustments."""
    head = (project.status, project.budget_status, project.budget, known(project.execution_rate))
    head += (project.adjustments, project.budget_explanation, project.budget_explanation_en, project.missing)
    rows = [
        (i.name, i.status, known(i.actual), known(i.expected), i.explanation, i.explanation_en)
        for i in project.indicators
    ]
    return [head, *rows]


def test_a_months_status_from_the_project_year_equals_its_own(demo):
    """The project page judges its lights from what it read for the paths (``inputs_at``): for every demo
    project, the same report, explanations included, as the status of the month alone (January, June,
    September with its target revision, and December)."""
    con, config = demo
    rows = con.execute("SELECT project_id, name FROM project WHERE year = 2020 ORDER BY project_id").fetchall()
    for pid, name in rows:
        read = read_project_year(con, config, 2020, name, 12)
        for month in (1, 6, 9, 12):
            with only_project(pid):
                (alone,) = compute_status(con, config, 2020, month, name).projects
            (taken,) = judge_inputs(inputs_at(read, month)).projects
            assert report_words(taken) == report_words(alone), (name, month)


def test_two_indicators_of_one_name_keep_their_own_paths(demo_template, tmp_path):
    """A target table may name two indicators alike (under two 二级指标): each keeps its own path, found by
    its id, as the page draws it."""
    copy = tmp_path / "same-name.duckdb"
    copy.write_bytes(demo_template.read_bytes())
    con = db.connect(copy)
    try:
        pid, first, second = con.execute(
            "SELECT project_id, min(indicator_id), max(indicator_id) FROM indicator GROUP BY project_id "
            "ORDER BY project_id LIMIT 1"
        ).fetchone()
        con.execute("UPDATE indicator SET level3 = '同名指标' WHERE indicator_id IN (?, ?)", [first, second])
        (name,) = con.execute("SELECT name FROM project WHERE project_id = ?", [pid]).fetchone()
        paths = indicator_paths(con, load_config(con), 2020, name, 12)
    finally:
        con.close()
    alike = paths[paths["indicator"] == "同名指标"]
    assert sorted(alike["indicator_id"].unique()) == [first, second]
    assert (alike.groupby("indicator_id")["month"].apply(list) == [list(range(1, 13))] * 2).all()


EDGES = (  # on a copy of the demo: what the demo itself does not have
    "UPDATE indicator SET target_text='90%-95%', kind='between', operator=NULL, target_value=90, unit='%' "
    "WHERE indicator_id=13",  # a range target, judged by the latest value
    "DELETE FROM binding WHERE indicator_id=13",
    "INSERT INTO target_revision VALUES (2, DATE '2020-05-01', '保持良好', 'qualitative', NULL, NULL, NULL, '调整', 16, "
    "NULL)",  # a number revised to a text from May
    "INSERT INTO target_revision VALUES (4, DATE '2020-04-01', '<=2起', 'at_most', '<=', 2, '起', '调整', 16, NULL)",
    "INSERT INTO budget_adjustment VALUES (2, DATE '2020-03-01', 1000000, '调', 'y', 3, NULL)",
    "INSERT INTO budget_adjustment VALUES (3, DATE '2020-10-01', 30000000, '再调', 'x', 3, NULL)",
    "INSERT INTO project (project_id, year, unit, name, budget) VALUES (99, 2020, '上海市体育局', '无指标项目', 100000)",
    """UPDATE binding SET plan='{"3": 1, "6": 10, "9": 30}' WHERE indicator_id=22""",  # a phased plan
    """UPDATE binding SET params='{"each_month": true}' WHERE indicator_id=10""",  # a rate every month must meet
    """UPDATE binding SET params='{"accumulate": true, "due": [2,5,8,11]}' WHERE indicator_id=11""",
)


def test_edge_cases_judged_together_equal_each_month_alone(demo_template, tmp_path):
    """A range target, revisions from May and April, two budget adjustments, a project without indicators,
    a plan, an every-month target and values due quarterly: every month of every path equals the whole
    year's status of that month, with the budget light in ratio mode and (June, December) in gap mode."""
    copy = tmp_path / "edges.duckdb"
    copy.write_bytes(demo_template.read_bytes())
    con = db.connect(copy)
    try:
        for sql in EDGES:
            con.execute(sql)
        config = load_config(con)
        gap = replace(config, budget=replace(config.budget, mode=BudgetMode.GAP))
        names = [n for (n,) in con.execute("SELECT name FROM project WHERE year = 2020").fetchall()]
        for cfg, months in ((config, range(1, 13)), (gap, (6, 12))):
            paths = {name: indicator_paths(con, cfg, 2020, name, 12) for name in names}
            for month in months:
                for project in compute_status(con, cfg, 2020, month).projects:
                    got = paths[project.name][paths[project.name]["month"] == month]
                    want = [(i.name, i.status, known(i.actual), known(i.expected)) for i in project.indicators]
                    columns = (got["indicator"], got["status"], map(known, got["actual"]), map(known, got["expected"]))
                    have = list(zip(*columns, strict=True))
                    assert have == want, (project.name, month, cfg.budget.mode)
    finally:
        con.close()
