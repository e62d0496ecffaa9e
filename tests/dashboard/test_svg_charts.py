"""The project page's SVG charts (``dashboard.svg_charts``): where each point is drawn, worked out by hand
from the chart's geometry, the axis a reader sees, and data text that stays text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard import svg_charts
from dashboard.render import COLOURS
from dashboard.svg_charts import BOTTOM, LEFT, RIGHT, TITLE_LINE, WIDTH, nice_ticks, tick_text

LABELS = {"actual": "累计实际", "expected": "应达", "target": "年度目标"}
SVG = "{http://www.w3.org/2000/svg}"


def parsed(figure: str) -> ET.Element:
    """The chart's SVG as XML (so every test also checks that it is well formed)."""
    svg = re.search(r"<svg.*</svg>", figure, re.S)[0]
    return ET.fromstring(svg)


def points(svg: ET.Element) -> list[tuple[float, float, str, str]]:
    """(x, y, fill, hover text) of each marker."""
    return [
        (float(c.get("cx")), float(c.get("cy")), c.get("fill"), c.findtext(f"{SVG}title"))
        for c in svg.iter(f"{SVG}circle")
    ]


def path(months, actual, expected, status) -> pd.DataFrame:
    return pd.DataFrame({"month": months, "actual": actual, "expected": expected, "status": status})


def test_nice_ticks_by_hand():
    assert nice_ticks(0, 26) == [0, 10, 20, 30]  # 26/4 = 6.5 → a step of 10
    assert nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]  # 1/4 = 0.25 → 2.5 × 0.1
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 120.5) == [0, 50, 100, 150]  # 30.1 → 50
    assert nice_ticks(-3, 5) == [-4, -2, 0, 2, 4, 6]  # 8/4 = 2: from −4 (at or below −3) to 6
    assert nice_ticks(7, 7) == [7, 7.25, 7.5, 7.75, 8]  # one value: a span of one above it


def test_tick_text_is_short():
    assert tick_text(120_000, "zh") == "12万"
    assert tick_text(120_000, "en") == "120k"
    assert tick_text(300_000_000, "zh") == "3亿"
    assert tick_text(300_000_000, "en") == "300M"
    assert tick_text(1_200_000_000, "en") == "1.2B"
    assert tick_text(2_500, "zh") == "2,500"
    assert tick_text(0.25, "zh") == "0.25"
    assert nice_ticks(0, 5e-324) == [0, 0.25, 0.5, 0.75, 1]  # a span too small to divide: as one value


def test_titles_wrap_to_a_phones_width():
    assert svg_charts.wrapped("一" * 45) == ["一" * 22, "一" * 22, "一"]
    assert svg_charts.wrapped("一" * 70) == ["一" * 22, "一" * 22, "一" * 21 + "…"]  # three lines at most


def test_an_accumulating_path_by_hand():
    """党校微课堂 (>=48期) to June: 4, 8, 13, 18, 22, 26 done against 4, 8, …, 24 expected.

    Ticks 0…30 (26 → steps of 10). The plot is 170 high under one title line (17 + 6 = 23 from the top),
    so 0 is at y = 193 and 30 at y = 23: 26 is at 193 − 26/30 × 170 = 45.67. Across, month m is at
    46 + (m − 0.5)/12 × (360 − 12 − 46): June at 46 + 5.5/12 × 302 = 184.42."""
    months = [1, 2, 3, 4, 5, 6]
    figure = svg_charts.indicator_path(
        path(months, [4.0, 8.0, 13.0, 18.0, 22.0, 26.0], [4.0, 8.0, 12.0, 16.0, 20.0, 24.0], ["green"] * 6),
        None,
        LABELS,
        "党校微课堂（>=48期）",
    )
    svg = parsed(figure)
    marks = points(svg)
    assert len(marks) == 6
    x, y, fill, tip = marks[-1]
    assert x == pytest.approx(184.4, abs=0.05) and y == pytest.approx(45.7, abs=0.05)
    assert fill == COLOURS["green"] and tip == "6月：累计实际 26 · 应达 24"
    assert marks[0][0] == pytest.approx(LEFT + 0.5 / 12 * (WIDTH - RIGHT - LEFT), abs=0.05)  # January: 58.58
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[0] == "党校微课堂（>=48期）"
    assert ["0", "10", "20", "30"] == [t for t in texts if t in {"0", "10", "20", "30"}]
    assert [f"{m}月" for m in range(1, 13)] == [t for t in texts if t.endswith("月")]
    assert "累计实际" in texts and "应达" in texts and "年度目标" not in texts  # no target line before December
    expected = [p for p in svg.iter(f"{SVG}polyline") if p.get("stroke-dasharray") == "4 3"]
    assert expected[0].get("points").split()[-1] == "184.4,57.0"  # 24 → 193 − 24/30 × 170 = 57


def test_the_target_line_and_a_year_without_events():
    """No event all year against 0 events: the axis reads 0…1 (never −1…1), the target line at 0."""
    months = list(range(1, 13))
    figure = svg_charts.indicator_path(
        path(months, [0.0] * 12, [0.0] * 12, ["green"] * 12), 0.0, LABELS, "无事故", "en"
    )
    svg = parsed(figure)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert ["0", "1"] == [t for t in texts if t in {"0", "1"}]
    assert "Jan" in texts and "Dec" in texts
    target = [line for line in svg.iter(f"{SVG}line") if line.get("stroke") == COLOURS["blue"]]
    assert target[0].get("y1") == f"{TITLE_LINE + 6 + 170:.1f}"  # 0: the bottom of the plot (193.0)
    assert "年度目标" in texts  # named in the legend


def test_ratings_are_lights_in_a_row_with_the_rating_where_it_changes():
    months = list(range(1, 7))
    ratings = ["—", "—", "达成", "达成", "部分达成", "部分达成"]
    status = ["grey", "grey", "green", "green", "yellow", "yellow"]
    svg = parsed(svg_charts.indicator_path(path(months, ratings, [None] * 6, status), None, LABELS, "质量"))
    marks = points(svg)
    assert [m[2] for m in marks] == [COLOURS[s] for s in status]
    assert [m[3] for m in marks] == [f"{m}月：{r}" for m, r in zip(months, ratings, strict=True)]
    words = [t.text for t in svg.iter(f"{SVG}text") if t.text in {"—", "达成", "部分达成"}]
    assert words == ["—", "达成", "部分达成", "部分达成"]  # where it changes, and the last month
    assert len({m[1] for m in marks}) == 1  # one row


def test_budget_curve_by_hand():
    """执行率 20% at June against time progress: ticks 0…100 by 25 (plot 200 high from y = 23), so 20% is
    at 223 − 0.2 × 200 = 183; the time line reaches 50% at June (123) and 100% at December (23)."""
    curves = pd.DataFrame(
        {
            "name": ["甲"] * 7,
            "month": [1, 2, 3, 4, 5, 6, 7],
            "execution_rate": [0.02, 0.025, 0.04, 0.07, 0.12, 0.2, 0.3],
        }
    )
    labels = {"time": "时间进度", "rate": "累计执行率", "unit": "单位合计"}
    svg = parsed(svg_charts.budget_curve(curves, 6, labels, "甲"))
    marks = points(svg)
    assert len(marks) == 6  # July is after the month shown
    assert marks[-1][1] == pytest.approx(183.0) and marks[-1][3] == "6月 20.0%"
    time = next(p for p in svg.iter(f"{SVG}polyline") if p.get("stroke-dasharray") == "7 4")
    ys = [float(xy.split(",")[1]) for xy in time.get("points").split()]
    assert ys[5] == pytest.approx(123.0) and ys[11] == pytest.approx(23.0)
    june = 46 + 5.5 / 12 * (svg_charts.WIDE - RIGHT - LEFT)
    assert any(line.get("x1") == f"{june:.1f}" and line.get("x2") == f"{june:.1f}" for line in svg.iter(f"{SVG}line"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "时间进度" in texts and "甲" in texts and "累计执行率 %" in texts
    assert float(svg.get("viewBox").split()[3]) == 23 + 200 + BOTTOM + 14 + svg_charts.LEGEND


def test_data_text_stays_text_on_one_line():
    """A name from the target table is escaped, its line breaks made spaces: the block stays one line of
    raw HTML, so Markdown reads none of it (no heading, link, formula or tag)."""
    hostile = '<img src=x onerror=alert(1)>\n\n# 标题 [链接](javascript:alert(1)) $x$ "引号"'
    months = [1, 2]
    figure = svg_charts.indicator_path(path(months, [1.0, 2.0], [1.0, 2.0], ["green"] * 2), None, LABELS, hostile)
    block = svg_charts.grid([figure])
    assert "\n" not in block
    assert "<img" not in block and "&lt;img" in block
    assert 'data-title="&lt;img src=x onerror=alert(1)&gt; # 标题' in block
    svg = parsed(figure)
    assert svg.get("aria-label").startswith("<img src=x onerror=alert(1)> # 标题")  # read back as the words


def test_figures_no_chart_can_place_are_left_out():
    """A target of 400 nines parses to infinity, an upload may hold 1.7e308, a project without a budget
    has no rate: the chart leaves them out instead of failing (or drawing at "nan")."""
    months = [1, 2, 3]
    huge = svg_charts.indicator_path(
        path(months, [1.0, 1.7e308, 3.0], [1.0, 2.0, float("inf")], ["green"] * 3), float("inf"), LABELS, "大"
    )
    svg = parsed(huge)
    assert [c.get("data-month") for c in svg.iter(f"{SVG}circle")] == ["1", "3"]
    assert not any(line.get("stroke") == COLOURS["blue"] for line in svg.iter(f"{SVG}line"))  # no target line
    curves = pd.DataFrame({"name": ["乙"] * 3, "month": [1, 2, 3], "execution_rate": [None, 0.1, float("nan")]})
    labels = {"time": "时间进度", "rate": "累计执行率", "unit": "单位合计"}
    curve = svg_charts.budget_curve(curves, 3, labels, "乙")
    assert "nan" not in curve and len(points(parsed(curve))) == 1


def test_data_text_in_legends_and_hover_stays_text():
    hostile = '<a href="javascript:alert(1)">x</a>\n\n$y$'
    curves = pd.DataFrame({"name": [hostile], "month": [1], "execution_rate": [0.1]})
    labels = {"time": "时间进度", "rate": "累计执行率", "unit": "单位合计"}
    block = svg_charts.grid([svg_charts.budget_curve(curves, 1, labels, hostile)], wide=True)
    assert "\n" not in block and "<a " not in block and "&lt;a href=" in block
    ratings = svg_charts.indicator_path(path([1], [hostile], [None], ["green"]), None, LABELS, "质量")
    assert "<a " not in ratings and "&lt;a href=" in ratings
    assert [t for *_, t in points(parsed(ratings))] == ['1月：<a href="javascript:alert(1)">x</a> $y$']
