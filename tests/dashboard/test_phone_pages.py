"""The overview and project pages as issue 14 asks: one number formatter, English that stays, the budget ×
results quadrant, the phone cards, and charts that read at 390 px (AppTest and the figure builders)."""

import json

import plotly.graph_objects as go
from dash_helpers import app, drawn_charts

from dashboard.overview_model import quadrant
from metrics.status import compute_status


def figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_overview_in_english(demo_db):
    at = app("2020-06", lang="en", user="demo-leader")
    assert at.title[0].value == "Overview"
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"  # kept in the address
    labels = [m.label for m in at.metric]
    assert labels[1:3] == ["Budget", "Spent"] and "Red indicators" in labels
    assert at.metric[1].value == "¥51.91 m"  # 51,914,040 元
    assert "leader" in at.sidebar.caption[0].value and "领导" not in at.sidebar.caption[0].value
    budget, corners = figures(at)[0], figures(at)[1]
    assert budget["layout"]["xaxis"]["ticktext"][5] == "Jun"
    assert {a["text"] for a in corners["layout"]["annotations"]} == {  # two lines each, to fit a phone
        "Spending fast,<br>results slow",
        "Results good,<br>spending slow",
        "Spending fast,<br>results good",
        "Spending slow,<br>results slow",
    }
    for spec in figures(at):
        go.Figure(spec)  # built without validation: each must still validate


def test_quadrant_places_the_demo_projects(demo_db):
    """June: 信息技术保障经费 spent 1,400,400 of 3,890,000 (36.0%) at half the year: pace 0.72; 4 of its 5
    indicators green: on track 80% — results good, spending slow.  培训经费: 437,400 of 2,187,000 (20%):
    pace 0.4; 4 of 6 green (67%): both behind."""
    from core import db
    from core.config import load_config
    from dashboard.overview_model import summarise

    con = db.connect(demo_db, read_only=True)
    try:
        report = compute_status(con, load_config(con), 2020, 6)
        units = con.execute("SELECT project_id, unit FROM project WHERE year = 2020").df()
    finally:
        con.close()
    points = quadrant(report, summarise(report, units).projects).set_index("name")
    it = points.loc["上海市体育局信息技术保障经费"]
    assert round(it["pace"], 2) == 0.72 and it["on_track"] == 0.8 and it["quadrant"] == "slow_good"
    training = points.loc["上海体育系统人员培训经费"]
    assert round(training["pace"], 2) == 0.4 and round(training["on_track"], 2) == 0.67
    assert training["quadrant"] == "slow_weak"


def test_overview_formats_lists_and_cards(demo_db):
    at = app("2020-12", user="demo-leader")
    matrix = next(h.value for h in at.html if 'id="pb-matrix"' in h.value)
    assert ">10,800<" in matrix and ">6,210<" in matrix  # counts with separators, both of them
    assert ">97%<" in matrix  # 预算执行及时性: 执行率 in points, with its %
    assert ">1小时22分<" in matrix  # the longest report time, as the explanation says it
    cards = [h.value for h in at.html if 'class="pb-card"' in h.value]
    assert len(cards) == 5 and all("<details>" in c for c in cards)
    assert [s.value for s in at.markdown if s.value.startswith("**")][:2] == [
        "**花钱快、效果慢**",
        "**效果好、花钱慢**",
    ]


def test_project_page_money_and_labels(demo_db):
    at = app("2020-06", page="views/project.py", project="上海体育系统人员培训经费", user="demo-leader")
    assert at.metric[0].value == "218.70万元"  # 2,187,000 元
    paths = drawn_charts(at)
    legends = {text for f in paths for text in f["texts"]}
    assert "累计实际" in legends  # 党校微课堂: 期 completed to date accumulate
    assert all("1月" in f["texts"] and "12月" in f["texts"] for f in paths)  # the whole year along the bottom
