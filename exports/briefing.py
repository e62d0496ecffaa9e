"""月度绩效简报: one A4 page a leader reads on a phone and forwards (PDF, and the page as a PNG).

What it says comes from the floors below, never restated: the lights and their one-line reasons from the
status engine and the rule registry (``metrics.status``), the staff's 偏差原因 and 纠偏措施 as the monitoring form
gathers them (``metrics.forms``), the S-curve from the budget stream (``metrics.measures.budget_by_month``), the
missing uploads from the grey lights' reasons (``stream_missing``/``due_missing``), every figure through
``core.numbers``.  The CJK font is the one the forms embed, cut to the characters printed
(``exports.forms_pdf.prepare_font``).  Everything is drawn with fpdf2's primitives: no browser.

It fits one page whatever the year holds: all red lights first, then yellow ones while there is room, the
rest counted ("另有 N 项…"); the projects' list and the missing uploads are cut the same way.
See docs/design.md (exports floor, "Numbers on screen") and docs/domain.md §4 and §7.
"""

from __future__ import annotations

import io
import re
from dataclasses import astuple, dataclass, field, replace
from datetime import date

import duckdb
import numpy as np
import pandas as pd
from fpdf import FPDF

from core import clock
from core.config import Config
from core.numbers import money, month_label, num, share
from exports.forms_pdf import prepare_font
from metrics.entered_texts import budget_texts, indicator_texts
from metrics.lights import BudgetPace
from metrics.measures import budget_by_month
from metrics.rules import Grey
from metrics.status import SEVERITY, STATUS_LABELS, ProjectStatus, StatusReport, compute_status

TOKENS = re.compile(r"[A-Za-z0-9.,%+\-–=÷~]+|\s+|.")  # a run of a number or word, or one character
NO_LINE_START = set("，。；：、）》”！？")  # punctuation stays at the end of the line before (避头)
NO_LINE_END = set("（《“")  # and an opening bracket goes down with what it opens (避尾)
PNG_WIDTH = 1240  # px: an A4 page at 150 dpi, readable on a phone when zoomed
BUDGET_ROW = "预算执行"  # the project's budget light, listed beside its indicators
NOT_ENTERED = "未填写"
MISSING_REASONS = (Grey.STREAM_MISSING, Grey.DUE_MISSING)
COLOURS = {
    "red": (192, 0, 0),
    "yellow": (214, 150, 0),
    "green": (0, 140, 70),
    "blue": (30, 100, 200),
    "grey": (140, 140, 140),
}
INK, MUTED, RULE, ACCENT = (33, 33, 33), (110, 110, 110), (200, 200, 200), (31, 78, 121)
# Every fixed word the page prints (the font is cut to these and the data's characters)
WORDS = (
    "绩效简报 制表日期 数据截至 项目 当年预算 累计执行 执行率 时间进度 落后 超前 个百分点 红灯指标 黄灯 绿灯 蓝灯 "
    "未填报 个 预算执行与时间进度（全单位累计） 累计执行率 月 各项目 状态 红/黄 另有 项目未列出 需要关注的指标 "
    "红灯 黄灯 项，含预算执行 灯 指标 原因 偏差原因 纠偏措施 未填写 项黄灯指标未列出，详见仪表盘 项红灯指标 "
    "应报未报 月应报数据均已上传 项未列出 本简报由系统按已上传数据生成，灯色与说明同仪表盘 等 个单位 "
    "…·：；，（）、—% 年日万元。红灯项目全单位应报未报其中尚无数据没有"
)


@dataclass(frozen=True)
class Flag:
    """A red or yellow light with its reason and what the staff wrote about it."""

    light: str
    project: str
    indicator: str  # BUDGET_ROW for the project's budget light
    reason: str
    deviation: str = ""  # 偏差原因
    measures: str = ""  # 纠偏措施
    budget: bool = False  # the project's budget light, not an indicator


@dataclass(frozen=True)
class ProjectLine:
    name: str
    light: str
    execution_rate: float | None
    red: int
    yellow: int


@dataclass(frozen=True)
class Briefing:
    """Everything the page prints, gathered once (``gather``) and drawn by ``briefing_pdf``."""

    year: int
    month: int
    unit: str
    made: date
    budget: float
    executed: float
    execution_rate: float | None
    time_progress: float
    counts: dict[str, int]  # indicators by light
    budget_light: str  # the unit's 执行率 against time progress, by the budget rule in force
    curve: list[tuple[int, float]]  # (month, cumulative 执行率 of the whole unit)
    projects: list[ProjectLine] = field(default_factory=list)  # worst first
    flags: list[Flag] = field(default_factory=list)  # projects worst first; in one, budget then reds, yellows
    missing: list[str] = field(default_factory=list)  # "project · indicator：6月实际值未填报"

    def texts(self) -> list[str]:
        """Every text of the data, for the font's characters."""
        out = [self.unit, *(p.name for p in self.projects), *self.missing]
        out += [s for f in self.flags for s in astuple(f) if isinstance(s, str)]
        return out


# ---------------------------------------------------------------------------------------------------------------
# Gathering


def gather(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    year: int,
    month: int,
    today: date | None = None,
    project_ids: set[int] | None = None,
) -> Briefing:
    """The briefing of ``year`` as of ``month`` (1–12), from one status report; ``project_ids`` is the
    viewer's scope (``core.accounts.visible_project_ids``; None: every project)."""
    report = compute_status(con, config, year, month)
    if project_ids is not None:
        report = report.only(project_ids)
    unit = report.unit()
    projects = _worst_first(report.projects)
    texts, budgets = indicator_texts(con, year, month), budget_texts(con, year, month)
    flags = [flag for p in projects for flag in _flags(p, texts, budgets)]
    reported = any(p.execution_rate is not None for p in projects)
    rate = unit["execution_rate"] if reported else None  # no spending reported yet: no rate, not 0%
    return Briefing(
        year=year,
        month=month,
        unit=_unit_name(con, year),
        made=today or clock.today(),
        budget=unit["budget"],
        executed=unit["executed_to_date"],
        execution_rate=rate,
        time_progress=report.period.time_progress,
        counts=unit["indicator_counts"],
        budget_light=_budget_light(rate, report.period.time_progress, config),
        curve=_curve(con, report),
        projects=[_line(p) for p in projects],
        flags=flags,
        missing=[m for p in projects for m in _missing(p)],
    )


def _unit_name(con: duckdb.DuckDBPyConnection, year: int) -> str:
    units = [
        u for (u,) in con.execute("SELECT DISTINCT unit FROM project WHERE year = ? ORDER BY 1", [year]).fetchall()
    ]
    units = [u for u in units if u]
    if len(units) <= 2:
        return "、".join(units)
    return f"{units[0]}等{len(units)}个单位"


def _budget_light(rate: float | None, time_progress: float, config: Config) -> str:
    if rate is None:
        return "grey"
    return str(BudgetPace.of(config).classify(np.array([rate]), time_progress)[0])


def _worst_first(projects: list[ProjectStatus]) -> list[ProjectStatus]:
    """As the overview lists them: worst light, then most red and yellow indicators, then the table's order."""
    counts = {p.project_id: p.counts() for p in projects}
    return sorted(
        projects,
        key=lambda p: (SEVERITY[str(p.status)], -counts[p.project_id]["red"], -counts[p.project_id]["yellow"]),
    )


def _line(p: ProjectStatus) -> ProjectLine:
    c = p.counts()
    return ProjectLine(p.name, str(p.status), p.execution_rate, c["red"], c["yellow"])


def _flags(p: ProjectStatus, texts: dict[int, dict], budgets: dict[int, dict]) -> list[Flag]:
    out = []
    if str(p.budget_status) in ("red", "yellow"):
        given = budgets.get(p.project_id) or {}
        out.append(
            Flag(
                str(p.budget_status),
                p.name,
                BUDGET_ROW,
                p.budget_explanation,
                given.get("reason") or "",
                given.get("measures") or "",
                budget=True,
            )
        )
    for i in p.indicators:
        if out and out[0].budget and i.explanation == out[0].reason:
            # an indicator judged by the budget light itself (预算执行及时性): one row says both
            out[0] = replace(out[0], indicator=f"{BUDGET_ROW}（{i.name}）")
            continue
        if str(i.status) in ("red", "yellow"):
            given = texts.get(i.indicator_id) or {}
            out.append(
                Flag(
                    str(i.status), p.name, i.name, i.explanation, given.get("reason") or "", given.get("measures") or ""
                )
            )
    return sorted(out, key=lambda f: SEVERITY[f.light])  # reds first; the budget, then the table's order


def _missing(p: ProjectStatus) -> list[str]:
    """The uploads due and not made, in the grey lights' own words (which months, which stream)."""
    out = []
    if p.budget_facts.get("budget_grey") == Grey.STREAM_MISSING:
        out.append(f"{p.name}：{p.budget_explanation}")
    for i in p.indicators:
        if str(i.status) == "grey" and i.judgement.grey in MISSING_REASONS:
            out.append(f"{p.name} · {i.name}：{i.explanation}")
    return out


def _curve(con: duckdb.DuckDBPyConnection, report: StatusReport) -> list[tuple[int, float]]:
    """The unit's cumulative 执行率 by month: each project's spending to date carried to months it did not
    report, over the budgets in force (a project not yet reporting counts with its budget and nothing spent)."""
    month = report.period.month
    rows = budget_by_month(con, report.year)
    rows = rows[(rows["month"] <= month) & rows["project_id"].isin({p.project_id for p in report.projects})]
    if rows.empty:
        return []
    months = range(int(rows["month"].min()), month + 1)
    spent = rows.pivot(index="month", columns="project_id", values="spent_to_date").reindex(months).ffill()
    budget = rows.pivot(index="month", columns="project_id", values="budget").reindex(months).ffill()
    budget_now = {p.project_id: p.budget or 0.0 for p in report.projects}
    budget = budget.fillna(pd.Series(budget_now))
    silent = sum(v for k, v in budget_now.items() if k not in budget.columns)
    total = budget.sum(axis=1) + silent
    rate = spent.fillna(0).sum(axis=1) / total.where(total > 0)
    return [(int(m), float(r)) for m, r in rate.items() if r == r]


# ---------------------------------------------------------------------------------------------------------------
# Drawing

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 12.0
WIDTH = PAGE_W - 2 * MARGIN
FLAG_COLUMNS = (("灯", 11), ("指标", 38), ("原因", 80), ("偏差原因 · 纠偏措施", 57))  # mm, 186 in all
PROJECT_HEAD = 5.2  # mm: a project's heading row above its lights
LINE = 3.3  # mm per line of the 7.5 pt table text
FOOTER = 8.0


class _Page(FPDF):
    def lines(self, text: str, width: float, most: int) -> list[str]:
        """``text`` wrapped to ``width``, at most ``most`` lines, the last cut with "…" when it does not fit.

        A number or a Latin word is never split (fpdf2 would break "40.0%" as "40." and "0%")."""
        text = " ".join((text or "").split())
        if not text:
            return [""]
        got, line = [], ""
        tokens = TOKENS.findall(text)
        tokens = [piece for t in tokens for piece in (t if self.get_string_width(t) > width else [t])]
        for token in tokens:
            if line and token not in NO_LINE_START and self.get_string_width(line + token) > width:
                opening = line[-1] if line[-1] in NO_LINE_END and len(line) > 1 else ""
                got.append(line[: len(line) - len(opening)])
                line = opening + token.lstrip()
            else:
                line += token
        got.append(line)
        if len(got) <= most:
            return got
        last = got[most - 1]
        while last and self.get_string_width(last + "…") > width:
            last = last[:-1]
        return [*got[: most - 1], last + "…"]

    def put(self, x: float, y: float, text: str, size: float, colour=INK, width: float = 0, align: str = "L") -> None:
        self.set_font("cjk", size=size)
        self.set_text_color(*colour)
        self.set_xy(x, y)
        self.cell(width, size * 0.45, text, align=align)

    def dot(self, x: float, y: float, light: str, r: float = 1.4) -> None:
        """A filled light of radius ``r`` centred on (x, y)."""
        self.set_fill_color(*COLOURS.get(light, COLOURS["grey"]))
        self.ellipse(x - r, y - r, 2 * r, 2 * r, style="F")


def briefing_pdf(b: Briefing) -> bytes:
    """The one-page PDF of ``b``."""
    labels = STATUS_LABELS["zh"]
    font = prepare_font("".join([WORDS, *labels.values(), *b.texts()]))
    pdf = _Page(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", str(font.path))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{month_label(date(b.year, b.month, 1))} 绩效简报")
    pdf.add_page()
    y = _title(pdf, b)
    y = _figures(pdf, b, y + 3)
    pdf.put(MARGIN, y + 2, _summary(b), 8.5, INK)
    y += 5
    y = _budget_section(pdf, b, y + 5)
    missing_lines = _missing_lines(pdf, b)
    missing_at = PAGE_H - MARGIN - FOOTER - 7 - len(missing_lines) * (LINE + 0.4)  # kept at the foot of the page
    _flag_table(pdf, b, y + 5, missing_at - 3)
    _missing_section(pdf, b, missing_at, missing_lines)
    _footer(pdf)
    return bytes(pdf.output())


def _title(pdf: _Page, b: Briefing) -> float:
    y = MARGIN
    pdf.put(MARGIN, y, b.unit, 10, MUTED)
    pdf.put(MARGIN, y, f"制表日期：{b.made.year}年{b.made.month}月{b.made.day}日", 8, MUTED, WIDTH, "R")
    pdf.put(MARGIN, y + 6, f"{month_label(date(b.year, b.month, 1))} 绩效简报", 20, ACCENT)
    pdf.put(MARGIN, y + 8.5, f"数据截至{b.year}年{b.month}月", 8, MUTED, WIDTH, "R")
    y += 17
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    return y


def _figures(pdf: _Page, b: Briefing, y: float) -> float:
    """Five boxes: projects, budget, executed, 执行率 against time progress, red indicators."""
    rate, tp = b.execution_rate, b.time_progress
    gap = None if rate is None else (rate - tp) * 100
    said = "" if gap is None else (f"落后{num(-gap, 1)}个百分点" if gap < 0 else f"超前{num(gap, 1)}个百分点")
    c = b.counts
    reds = sum(p.light == "red" for p in b.projects)
    boxes = [
        ("项目", f"{len(b.projects)}个", [f"红灯项目{reds}个"], INK),
        ("当年预算", money(b.budget), [], INK),
        ("累计执行", money(b.executed), [], INK),
        ("执行率", share(rate), [f"时间进度{share(tp)}", said], COLOURS.get(b.budget_light, INK)),
        (
            "红灯指标",
            f"{c['red']}个",
            [f"黄灯{c['yellow']}个 · 绿灯{c['green']}个", f"蓝灯{c['blue']}个 · 未填报{c['grey']}个"],
            COLOURS["red"] if c["red"] else INK,
        ),
    ]
    gapx = 2.5
    w, h = (WIDTH - 4 * gapx) / 5, 21.0
    for k, (label, value, subs, colour) in enumerate(boxes):
        x = MARGIN + k * (w + gapx)
        pdf.set_fill_color(244, 247, 251)
        pdf.rect(x, y, w, h, style="F")
        pdf.put(x + 2.5, y + 2, label, 8, MUTED)
        pdf.put(x + 2.5, y + 6.3, value, 14, INK if colour == COLOURS["green"] else colour)
        for n, sub in enumerate(subs):
            pdf.put(x + 2.5, y + 14 + n * 3.2, sub, 6.5, MUTED)
    return y + h


def _summary(b: Briefing) -> str:
    """The page in one sentence: 本月红灯指标3个、黄灯指标15个；执行率20.2%，时间进度50%，落后29.8个百分点。"""
    c = b.counts
    said = f"{b.month}月红灯指标{c['red']}个、黄灯指标{c['yellow']}个"
    if c["grey"]:
        said += f"、未填报{c['grey']}个"
    if b.execution_rate is None:
        said += f"；尚无预算执行数据，时间进度{share(b.time_progress)}"
    else:
        said += f"；全单位执行率{share(b.execution_rate)}，时间进度{share(b.time_progress)}"
    if b.execution_rate is not None:
        gap = (b.execution_rate - b.time_progress) * 100
        said += f"，落后{num(-gap, 1)}个百分点" if gap < 0 else f"，超前{num(gap, 1)}个百分点"
    missing = f"，{len(b.missing)}项应报未报" if b.missing else ""
    return said + missing + "。"


def _budget_section(pdf: _Page, b: Briefing, y: float) -> float:
    """The S-curve on the left, the projects' lights and 执行率 on the right."""
    pdf.put(MARGIN, y, "预算执行与时间进度（全单位累计）", 10, ACCENT)
    chart_w, h = 98.0, 50.0
    _chart(pdf, b, MARGIN, y + 6, chart_w, h)
    _project_list(pdf, b, MARGIN + chart_w + 6, y, WIDTH - chart_w - 6, h + 6)
    return y + 6 + h


def _chart(pdf: _Page, b: Briefing, x0: float, y0: float, w: float, h: float) -> None:
    left, bottom = 9.0, 7.0  # room for the axis labels
    px, py, pw, ph = x0 + left, y0 + 2, w - left - 2, h - bottom - 2

    def at(month: float, rate: float) -> tuple[float, float]:
        return px + pw * month / 12, py + ph * (1 - rate)

    pdf.set_line_width(0.15)
    for k in range(5):
        _, yy = at(0, k / 4)
        pdf.set_draw_color(*RULE)
        pdf.line(px, yy, px + pw, yy)
        pdf.put(x0, yy - 1.3, f"{k * 25}%", 6.5, MUTED, left - 1.5, "R")
    for m in range(1, 13):
        xx, _ = at(m, 0)
        pdf.put(xx - 4, py + ph + 1.2, f"{m}月", 6.5, INK if m == b.month else MUTED, 8, "C")
    pdf.set_draw_color(*MUTED)
    pdf.line(px, py + ph, px + pw, py + ph)
    # time progress: the straight line from nothing to all of it over the year
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern(dash=1.2, gap=1)
    pdf.line(*at(0, 0), *at(12, 1))
    pdf.set_dash_pattern()
    xm, ym = at(b.month, b.time_progress)
    pdf.put(xm - 24, ym - 4.2, f"时间进度{share(b.time_progress)}", 6.8, MUTED, 22, "R")
    if b.curve:
        points = [at(0, 0), *(at(m, r) for m, r in b.curve)]
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.7)
        pdf.polyline(points)
        for m, r in b.curve:
            pdf.set_fill_color(*ACCENT)
            xx, yy = at(m, r)
            pdf.ellipse(xx - 0.8, yy - 0.8, 1.6, 1.6, style="F")
        m, r = b.curve[-1]
        xx, yy = at(m, r)
        pdf.put(xx + 1.5, yy - 0.5, f"执行率{share(r)}", 7.5, ACCENT)
    # the legend
    lx, ly = px + 2, py + 1
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.7)
    pdf.line(lx, ly + 1.2, lx + 6, ly + 1.2)
    pdf.put(lx + 7, ly, "累计执行率", 6.8, INK)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern(dash=1.2, gap=1)
    pdf.line(lx + 24, ly + 1.2, lx + 30, ly + 1.2)
    pdf.set_dash_pattern()
    pdf.put(lx + 31, ly, "时间进度", 6.8, INK)


def _project_list(pdf: _Page, b: Briefing, x: float, y: float, w: float, h: float) -> None:
    """Each project's light, 执行率 and red/yellow indicator counts, worst first; cut to the room there is."""
    labels = STATUS_LABELS["zh"]
    pdf.put(x, y, "各项目", 10, ACCENT)
    row = 5.2
    yy = y + 6.5
    columns = (w - 27, 13, 14)
    pdf.put(x, yy, "项目", 6.8, MUTED)
    pdf.put(x + columns[0], yy, "执行率", 6.8, MUTED, columns[1], "R")
    pdf.put(x + columns[0] + columns[1], yy, "红/黄", 6.8, MUTED, columns[2], "R")
    yy += 4.5
    room = int((y + h - yy) // row)
    shown = b.projects if len(b.projects) <= room else b.projects[: room - 1]
    pdf.set_font("cjk", size=7.5)
    for p in shown:
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.1)
        pdf.line(x, yy - 0.8, x + w, yy - 0.8)
        pdf.dot(x + 1.5, yy + 1.8, p.light)
        name = pdf.lines(p.name, columns[0] - 12, 1)[0]
        pdf.put(x + 4, yy, name, 7.5, INK)
        pdf.put(x + columns[0] - 8, yy, labels[p.light], 7, COLOURS[p.light], 8, "R")
        pdf.put(x + columns[0], yy, share(p.execution_rate), 7.5, INK, columns[1], "R")
        pdf.put(x + columns[0] + columns[1], yy, f"{p.red}/{p.yellow}", 7.5, INK, columns[2], "R")
        yy += row
    if len(shown) < len(b.projects):
        pdf.put(x, yy, f"另有{len(b.projects) - len(shown)}个项目未列出", 7, MUTED)


def _flag_rows(pdf: _Page, b: Briefing) -> list[tuple[Flag, list[list[str]]]]:
    """Each flag with its cells wrapped (at most three lines each)."""
    pdf.set_font("cjk", size=7.5)
    widths = [w - 2 for _, w in FLAG_COLUMNS]
    out = []
    for f in b.flags:
        said = "；".join(
            t
            for t in (
                f"偏差原因：{f.deviation}" if f.deviation else "",
                f"纠偏措施：{f.measures}" if f.measures else "",
            )
            if t
        )
        cells = [
            [STATUS_LABELS["zh"][f.light]],
            pdf.lines(f.indicator, widths[1], 3),
            pdf.lines(f.reason, widths[2], 3),
            pdf.lines(said or NOT_ENTERED, widths[3], 3),
        ]
        out.append((f, cells))
    return out


def _chosen(rows: list[tuple[Flag, list[list[str]]]], room: float) -> list[int]:
    """Which rows fit in ``room`` mm, each project's heading counted once.

    Every red first; then the yellow indicators taken in turns across the projects (each project's first, then
    each one's second…), so a project with many does not push the others off the page; a yellow budget light
    last (the projects' list beside the chart already shows each 执行率 and light).  A row too tall for the
    room left gives way to a shorter one after it."""
    turns: dict[str, int] = {}

    def rank(k: int) -> tuple:
        flag = rows[k][0]
        if flag.light == "red":
            return (0, 0, k)
        if flag.budget:
            return (2, 0, k)
        turns[flag.project] = turns.get(flag.project, -1) + 1
        return (1, turns[flag.project], k)

    order = sorted(range(len(rows)), key=rank)
    used, chosen, headed = 0.0, [], set()
    for k in order:
        flag = rows[k][0]
        height = _height(rows[k][1]) + (0 if flag.project in headed else PROJECT_HEAD)
        if used + height > room:
            continue
        used += height
        chosen.append(k)
        headed.add(flag.project)
    return sorted(chosen)


def _height(cells: list[list[str]]) -> float:
    return max(len(c) for c in cells) * LINE + 1.4


def _flag_table(pdf: _Page, b: Briefing, y: float, bottom: float) -> float:
    """The red and yellow lights grouped under their projects (worst first), reds first within a project."""
    reds = sum(f.light == "red" for f in b.flags)
    yellows = len(b.flags) - reds
    pdf.put(MARGIN, y, f"需要关注的指标（红灯{reds}项 · 黄灯{yellows}项，含预算执行）", 10, ACCENT)
    y += 6
    pdf.set_fill_color(234, 239, 246)
    pdf.rect(MARGIN, y, WIDTH, 5, style="F")
    x = MARGIN
    for label, w in FLAG_COLUMNS:
        pdf.put(x + 1, y + 1, label, 7, MUTED)
        x += w
    y += 5.5
    rows = _flag_rows(pdf, b)
    if not rows:
        pdf.put(MARGIN, y + 1, f"{b.month}月没有红灯、黄灯。", 8, MUTED)
        return y + 6
    chosen = _chosen(rows, bottom - y - 5)
    lights = {p.name: p for p in b.projects}
    last_project = None
    for k in chosen:
        flag, cells = rows[k]
        if flag.project != last_project:
            y = _project_head(pdf, lights.get(flag.project), flag.project, y)
            last_project = flag.project
        height = _height(cells)
        if flag.light == "red":
            pdf.set_fill_color(253, 240, 240)
            pdf.rect(MARGIN, y, WIDTH, height, style="F")
        x = MARGIN
        for c, ((_, w), lines) in enumerate(zip(FLAG_COLUMNS, cells, strict=True)):
            if c == 0:
                pdf.dot(x + 3, y + 0.7 + LINE / 2, flag.light)
                pdf.put(x + 5, y + 0.7, lines[0], 7.5, COLOURS[flag.light])
            else:
                colour = INK
                if c == 3 and lines == [NOT_ENTERED]:  # a red light with no measures written stands out
                    colour = COLOURS["red"] if flag.light == "red" else MUTED
                for n, text in enumerate(lines):
                    pdf.put(x + 1, y + 0.7 + n * LINE, text, 7.5, colour)
            x += w
        y += height
    left = [rows[k][0] for k in range(len(rows)) if k not in set(chosen)]
    if left:
        red_left = sum(f.light == "red" for f in left)
        said = f"另有{len(left)}项黄灯指标未列出，详见仪表盘"
        if red_left:
            said = f"另有{len(left)}项（其中红灯{red_left}项）未列出，详见仪表盘"
        pdf.put(MARGIN, y + 1, said, 7.5, MUTED)
        y += 5
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    return y


def _project_head(pdf: _Page, line: ProjectLine | None, name: str, y: float) -> float:
    """A project's heading row: its light, name, 执行率 and how many red and yellow indicators."""
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    pdf.set_fill_color(247, 247, 247)
    pdf.rect(MARGIN, y + 0.2, WIDTH, PROJECT_HEAD - 0.4, style="F")
    if line is not None:
        pdf.dot(MARGIN + 3, y + PROJECT_HEAD / 2, line.light, 1.6)
        said = f"执行率{share(line.execution_rate)} · 红灯指标{line.red}个 · 黄灯{line.yellow}个"
        pdf.put(MARGIN, y + 1.1, said, 7, MUTED, WIDTH - 2, "R")
    pdf.put(MARGIN + 6, y + 0.9, name, 8.5, INK)
    return y + PROJECT_HEAD


MISSING_MOST = 4  # lines of missing uploads at most: the rest counted


def _missing_lines(pdf: _Page, b: Briefing) -> list[str]:
    pdf.set_font("cjk", size=7.5)
    if not b.missing:
        return [f"{b.month}月应报数据均已上传。"]
    lines = pdf.lines("；".join(b.missing), WIDTH, MISSING_MOST)
    if lines[-1].endswith("…"):  # cut: say how many were not printed whole
        shown = sum(1 for m in b.missing if m in "".join(lines))
        lines[-1] = pdf.lines(lines[-1], WIDTH - 40, 1)[0] + f"（另有{len(b.missing) - shown}项未列出）"
    return lines


def _missing_section(pdf: _Page, b: Briefing, y: float, lines: list[str]) -> None:
    pdf.put(MARGIN, y, f"应报未报（{len(b.missing)}项）", 10, ACCENT)
    y += 6
    for line in lines:
        pdf.put(MARGIN, y, line, 7.5, INK if b.missing else MUTED)
        y += LINE + 0.4


def _footer(pdf: _Page) -> None:
    pdf.put(MARGIN, PAGE_H - MARGIN - 3, "本简报由系统按已上传数据生成，灯色与说明同仪表盘。", 6.8, MUTED, WIDTH, "C")


# ---------------------------------------------------------------------------------------------------------------
# The page as a picture


def page_png(pdf: bytes, width: int = PNG_WIDTH) -> bytes:
    """The PDF's first page as a PNG ``width`` pixels wide (pdfium renders it: what a PDF viewer shows)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        image = page.render(scale=width / page.get_width()).to_pil()
    finally:
        doc.close()
    if image.width != width:
        image = image.resize((width, round(image.height * width / image.width)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")  # optimize=True would take four times as long for 1.5% less
    return buffer.getvalue()
