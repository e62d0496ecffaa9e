"""The project page judges the paths once up to the latest month with data and shows months 1…m of them:
moving the month back shows exactly the earlier months' points (no timing here; see
benchmarks/project_page_bench.py)."""

from __future__ import annotations

from dash_helpers import app, drawn_charts

from core import db
from core.config import load_config
from metrics.paths import indicator_paths

PROJECT = "上海体育文史业务经费"  # ten indicators in the demo


def path_points(at) -> list[list[int]]:
    """Each indicator chart's months with a point (the actual, or the light of a rating), in the page's
    order (the titles name the target in force, which a 绩效目标调整 changes between the months)."""
    return [chart["months"] for chart in drawn_charts(at)]


def test_an_earlier_month_shows_only_its_months(demo_db):
    at = app("2020-12", page="views/project.py", project=PROJECT, user="demo-leader")
    december = path_points(at)
    at.query_params["month"] = "2020-06"
    at.session_state["month_2020"] = 6
    at.run()
    june = path_points(at)
    assert len(june) == len(december) == 10
    assert any(max(months) == 12 for months in december)
    for months, later in zip(june, december, strict=True):
        assert max(months) <= 6  # nothing after June is drawn as of June
        assert months == [m for m in later if m <= 6]  # the same points, cut at June


def test_paths_cut_at_a_month_equal_those_judged_up_to_it(demo_db):
    """A month's point does not depend on later months: months 1…6 judged up to December equal those
    judged up to June (what lets the page judge once and cut)."""
    con = db.connect(demo_db, read_only=True)
    try:
        config = load_config(con)
        whole = indicator_paths(con, config, 2020, PROJECT, 12)
        june = indicator_paths(con, config, 2020, PROJECT, 6)
    finally:
        con.close()
    cut = whole[whole["month"] <= 6].reset_index(drop=True)
    assert cut.astype(str).equals(june.astype(str))
