"""The overview at city scale without the waiting: the months either side of the one shown judged while the
page is read (``data.judge_ahead``), the budget × results chart of many projects drawn when asked for, and
the session looked up once per few seconds, not on every rerun.  No timing here (benchmarks/run_all.py)."""

from __future__ import annotations

import pytest
from dash_helpers import APP, app, matrix_lights, token_for
from streamlit.testing.v1 import AppTest

from dashboard import data, overview_model
from tests.dashboard.test_overview_scale import cli_report, three_units  # noqa: F401 (a fixture)


@pytest.fixture
def judged(monkeypatch) -> list[int]:
    """The months the overview's status reads and judges, in order (every call, the look-ahead's included)."""
    months: list[int] = []
    real = data.status_inputs

    def counting(con, cfg, year, month, *args, **kwargs):
        months.append(month)
        return real(con, cfg, year, month, *args, **kwargs)

    monkeypatch.setattr(data, "status_inputs", counting)
    return months


def settled() -> None:
    """Wait until the look-ahead thread has done what it was given."""
    assert data.ahead_settled(timeout=120)


@pytest.fixture(autouse=True)
def _nothing_left_running():
    """A test ends with the thread idle: a job still running would fill the shared caches (and evict
    entries) in the next test."""
    yield
    settled()


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """What the overview's cached results were made from, in order: its summary, attention list and
    quadrant (a step that finds them made by the look-ahead adds nothing here)."""
    calls: list[str] = []
    for module, name in ((data, "summarise"), (data, "attention_rows"), (overview_model, "quadrant")):
        real = getattr(module, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    return calls


def test_the_months_either_side_are_judged_while_the_page_is_read(demo_db, monkeypatch, judged):
    monkeypatch.setattr(data, "AHEAD_FROM", 1)  # the demo's five projects count as a city here
    at = app("2020-06")
    settled()
    assert sorted(judged) == [5, 6, 7]
    at.select_slider(key="month_2020").set_value(5).run()  # the slider's step finds May made
    settled()
    assert not at.exception
    assert judged.count(5) == 1 and 4 in judged  # and May's own neighbours are judged in turn
    expected = cli_report(demo_db, "2020-05")
    assert matrix_lights(at) == {
        (p["name"], i["name"]): i["status"] for p in expected["projects"] for i in p["indicators"]
    }


def test_the_first_and_last_month_look_ahead_one_way(demo_db, monkeypatch, judged):
    monkeypatch.setattr(data, "AHEAD_FROM", 1)
    app("2020-12")
    settled()
    assert sorted(judged) == [11, 12]
    app("2020-01")
    settled()
    assert sorted(judged) == [1, 2, 11, 12]


def test_a_month_is_judged_ahead_once_per_data_version(demo_db, monkeypatch, judged):
    monkeypatch.setattr(data, "AHEAD_FROM", 1)
    app("2020-06")
    settled()  # (a test's sign-in writes, which must not meet the thread's reading in one process)
    app("2020-06")  # another session, same view and version: the months are not asked for again
    settled()
    assert sorted(judged) == [5, 6, 7]


@pytest.mark.usefixtures("three_units")
def test_a_step_finds_what_the_page_shows_made_for_its_view(monkeypatch, judged, made):
    """A unit chosen in the filter and approved data only: the look-ahead makes the overview, the attention
    list and the quadrant under that view's key, so the step to May computes none of them."""
    monkeypatch.setattr(data, "AHEAD_FROM", 5)  # the year's five projects (the unit chosen has two)
    at = app("2020-06")
    at.selectbox(key="unit").set_value("乙单位").run()
    at.toggle(key="approved_only").set_value(True).run()
    settled()
    assert not at.exception and 5 in judged and 7 in judged
    before = len(made)
    at.select_slider(key="month_2020").set_value(5).run()
    assert not at.exception
    assert made[before:] == []


def test_the_way_the_user_moves_is_looked_at_first(demo_db, monkeypatch, judged):
    monkeypatch.setattr(data, "AHEAD_FROM", 1)
    asked: list[int] = []
    real = data._ask_ahead
    monkeypatch.setattr(data, "_ask_ahead", lambda job, fn, *args: (asked.append(job[5]), real(job, fn, *args)))
    at = app("2020-06")
    settled()
    at.select_slider(key="month_2020").set_value(7).run()  # a step right: 8 first
    settled()
    at.select_slider(key="month_2020").set_value(4).run()  # a jump left: 3 first
    settled()
    assert asked == [5, 7, 8, 6, 3, 5]
    assert sorted(judged) == [3, 4, 5, 6, 7, 8]  # each month judged once


def test_a_job_of_an_older_data_version_is_dropped(demo_db, monkeypatch, judged):
    monkeypatch.setattr(data, "AHEAD_FROM", 1)
    app("2020-06")
    settled()
    ver = data._version(str(demo_db))
    data._judge_month(str(demo_db), ver - 1, None, 2020, 3, (None, None, False), "all", 200, "zh")
    assert 3 not in judged  # the data changed since: nothing judged, nothing cached under the old version


def test_jobs_wait_once_each_and_the_queue_is_bounded(monkeypatch):
    import threading

    release, started, ran = threading.Event(), threading.Event(), []

    def blocking(label):
        started.set()
        release.wait(30)
        ran.append(label)

    data._ask_ahead(("test", "first"), blocking, "first")
    assert started.wait(30)  # running: asking again while it runs adds nothing
    data._ask_ahead(("test", "first"), blocking, "first")
    for k in range(data.AHEAD_QUEUE + 3):
        data._ask_ahead(("test", k), ran.append, k)
    release.set()
    settled()
    assert ran == ["first", *range(data.AHEAD_QUEUE - 1)]  # the first, and as many more as the queue holds


def test_a_small_year_judges_only_the_month_shown(demo_db, judged):
    app("2020-06")
    settled()
    assert judged == [6]


def test_many_projects_draw_the_quadrant_when_asked(demo_db, monkeypatch):
    monkeypatch.setattr(overview_model, "QUADRANT_AT_ONCE", 4)  # the demo's five projects are "many" here
    at = app("2020-06")
    assert "quadrant" not in [c.key for c in at.get("plotly_chart") if hasattr(c, "key")]
    charts_before = len(at.get("plotly_chart"))
    (box,) = [e for e in at.expander if e.label == "展开图表（5 个项目）"]
    at.session_state["quadrant_box"] = True
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts_before + 1  # the quadrant, now drawn
    links = [link.label for link in at.get("page_link")]
    assert any("上海体育" in label for label in links)  # the named quadrants' lists stay either way


def test_few_projects_draw_the_quadrant_with_the_page(demo_db):
    at = app("2020-06")
    assert not [e for e in at.expander if e.label.startswith("展开图表")]
    assert len(at.get("plotly_chart")) == 2  # budget against time, and the quadrant


def test_signing_out_ends_the_session_everywhere_at_once(demo_db):
    """The session is looked up once per few seconds; signing out forgets that at once, so another tab
    with the same token is signed out on its next rerun."""
    token = token_for("demo-leader")
    tabs = []
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["pb_token"] = token
        at.run()
        assert at.title[0].value == "总览"
        tabs.append(at)
    tabs[0].button(key="sign_out").click().run()
    tabs[1].run()
    assert tabs[1].title[0].value == "财政项目支出绩效监控"  # the sign-in page


def unset(spec):
    """A specification without its ``None`` values and what they leave empty (validation drops them:
    Plotly reads them as unset)."""
    if isinstance(spec, dict):
        kept = {k: unset(v) for k, v in spec.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    return [unset(v) for v in spec] if isinstance(spec, list) else spec


def test_the_budget_chart_is_a_plain_specification_that_validates():
    """Built without Plotly's validation on every render: the same figure as the validated one, and the
    month shown marked as ``add_vline`` marks it.  (Compared with the go.Scatter figure it replaced, in zh
    and en, with and without totals and names: the same JSON, numbers sent as lists, not typed arrays.)"""
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard.charts import budget_execution

    curves = pd.DataFrame(
        {
            "month": [1, 2, 3, 1, 2, 3],
            "name": ["甲<b>", "甲<b>", "甲<b>", "乙", "乙", "乙"],
            "spent_to_date": [1, 2, 3, 2, 3, 4],
            "budget": [10] * 6,
            "execution_rate": [0.1, 0.2, 0.3, 0.2, 0.3, 0.4],
        }
    )
    totals = pd.DataFrame({"month": [1, 2, 3], "spent": [3, 5, 7], "budget": [20, 20, 20]})
    labels = {"time": "时间进度", "rate": "累计执行率", "unit": "合计"}
    figure = budget_execution(curves, 2, labels, None, totals)
    assert go.Figure(figure.to_plotly_json()).to_plotly_json() == unset(figure.to_plotly_json())
    assert [t.name for t in figure.data] == ["时间进度", "合计", "甲&lt;b&gt;", "乙"]
    assert list(figure.data[1].y) == [15.0, 25.0]  # the unit's line to the month shown: 3/20, 5/20
    marked = go.Figure().add_vline(x=2, line=dict(color="#bbb", width=1)).layout.shapes[0]
    assert figure.layout.shapes[0].to_plotly_json() == marked.to_plotly_json()
