"""The overview's figures, made once per data version and month, so that a page sends only what it shows.

A city-scale year (2,000–20,000 projects) is judged once (``compute_status``); from its frames this module
makes the projects worst first with their light counts, the units (``project.unit``) rolled up the same
way, and, for the page on screen only, typed records (``page_projects``) and the attention list with its
explanations (``attention_rows``).  No rule is restated here: every light comes from the status frames,
and records and explanations from the report itself, cut to the projects wanted (``subreport``).
See docs/design.md (the dashboard floor) and docs/domain.md (lights).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from metrics.lights import WORST_FIRST
from metrics.rules import Grey
from metrics.status import SEVERITY, ProjectStatus, StatusReport

LIGHTS = [str(light) for light in WORST_FIRST]
FLAGGED = ("red", "yellow", "grey")  # the lights that need attention


@dataclass(frozen=True)
class Overview:
    """A year's lights as of a month, summarised: headline figures, projects and units worst first."""

    month: str
    figures: dict  # StatusReport.unit(): totals, 执行率, indicator counts
    projects: pd.DataFrame  # one row per project, worst first (``worst_first`` of dashboard.render)
    units: pd.DataFrame  # one row per unit, worst first; empty columns when there is one unit

    @property
    def grouped(self) -> bool:
        """Units are shown as rows that open into their projects only when there is more than one."""
        return len(self.units) > 1


def summarise(report: StatusReport, units: pd.DataFrame) -> Overview:
    """The overview of ``report``; ``units`` maps ``project_id`` to ``unit`` (the project table's column)."""
    p = report.project_frame[["project_id", "project", "status", "budget_status", "budget", "spent", "n_months"]]
    p = p.rename(columns={"project": "name"}).reset_index(drop=True)
    counts = report.indicator_frame.pivot_table(
        index="project_id", columns="status", values="indicator_id", aggfunc="count", fill_value=0
    )
    counts = counts.reindex(columns=LIGHTS, fill_value=0)
    p = p.merge(counts, left_on="project_id", right_index=True, how="left")
    p[LIGHTS] = p[LIGHTS].fillna(0).astype("int64")
    p["spent"] = p["spent"].where(p["n_months"].fillna(0) > 0, 0).fillna(0)
    p = p.merge(units[["project_id", "unit"]], on="project_id", how="left")
    p["unit"] = p["unit"].fillna("")
    p["severity"] = p["status"].map(SEVERITY)
    p["position"] = range(len(p))  # the target table's order breaks ties, as ``worst_first`` does
    p = p.sort_values(["severity", "red", "yellow", "position"], ascending=[True, False, False, True])
    p = p.reset_index(drop=True)

    u = p.groupby("unit", sort=False).agg(
        projects=("project_id", "count"),
        severity=("severity", "min"),
        red=("red", "sum"),
        yellow=("yellow", "sum"),
        grey=("grey", "sum"),
        budget=("budget", "sum"),
        spent=("spent", "sum"),
        first=("position", "min"),
    )
    u = u.reset_index().sort_values(["severity", "red", "yellow", "first"], ascending=[True, False, False, True])
    u["status"] = [LIGHTS[int(k)] for k in u["severity"]]
    u["execution_rate"] = (u["spent"] / u["budget"].where(u["budget"] > 0)).fillna(0)
    return Overview(report.month, report.unit(), p, u.reset_index(drop=True))


def matching(projects: pd.DataFrame, choice: str | None) -> pd.DataFrame:
    """The projects whose own light or any indicator's light is ``choice`` (all for None or "all")."""
    if not choice or choice == "all":
        return projects
    return projects[(projects["status"] == choice) | (projects[choice] > 0)]


def subreport(report: StatusReport, project_ids: list[int]) -> StatusReport:
    """The same report cut to some projects: their records and explanations cost only what they hold."""
    wanted = set(project_ids)
    return replace(
        report,
        project_frame=report.project_frame[report.project_frame["project_id"].isin(wanted)],
        indicator_frame=report.indicator_frame[report.indicator_frame["project_id"].isin(wanted)],
        judged={name: f[f["project_id"].isin(wanted)] for name, f in report.judged.items()},
        adjustments={k: v for k, v in report.adjustments.items() if k in wanted},
    )


def page_projects(report: StatusReport, project_ids: list[int]) -> list[ProjectStatus]:
    """Typed records of these projects, in the order given (the page's order)."""
    by_id = {p.project_id: p for p in subreport(report, project_ids).projects}
    return [by_id[k] for k in project_ids if k in by_id]


def attention_rows(
    report: StatusReport, ordered: pd.DataFrame, limit: int, lang: str
) -> tuple[list[tuple[str, str, str, str]], int]:
    """The first ``limit`` lights needing attention, and how many there are in all.

    Order as the page lists projects (``ordered``, worst first): each project's red, yellow and grey
    indicators in table order (not those with nothing due yet), then every flagged budget light.
    Rows are (light, project, indicator or None for the budget, explanation); only the rows listed
    get their explanation written."""
    rank = pd.Series(range(len(ordered)), index=ordered["project_id"].to_numpy())
    ind = report.indicator_frame
    ind = ind[ind["status"].isin(FLAGGED) & (ind["grey"] != str(Grey.NOT_DUE)) & ind["project_id"].isin(rank.index)]
    ind = ind.assign(rank=ind["project_id"].map(rank)).sort_values(["rank", "seq"], kind="stable")
    budget = ordered[ordered["budget_status"].isin(FLAGGED)]
    total = len(ind) + len(budget)
    ind = ind.head(limit)
    budget = budget.head(max(0, limit - len(ind)))
    wanted = list(dict.fromkeys([*ind["project_id"].tolist(), *budget["project_id"].tolist()]))
    records = {p.project_id: p for p in subreport(report, wanted).projects}
    en = lang == "en"
    rows = []
    for pid, iid in zip(ind["project_id"], ind["indicator_id"], strict=True):
        p = records[pid]
        i = next(x for x in p.indicators if x.indicator_id == iid)
        rows.append((str(i.status), p.name, i.name, i.explanation_en if en else i.explanation))
    for pid in budget["project_id"]:
        p = records[pid]
        rows.append((str(p.budget_status), p.name, None, p.budget_explanation_en if en else p.budget_explanation))
    return rows, total


# phone14: budget × results (issue 14, part 4) ----------------------------------------------------------
ON_TRACK_SPLIT = 0.8  # results are "good" when at least 80% of the indicators due are green or blue
QUADRANTS = ("fast_weak", "slow_good", "fast_good", "slow_weak")  # the first two are named on the page


def quadrant(report: StatusReport, projects: pd.DataFrame) -> pd.DataFrame:
    """Each project's place on the budget × results chart, from the report the overview already holds.

    ``pace`` is 执行率 ÷ time progress (1 = spending keeps pace with the year; a project without budget
    sits at 0); ``on_track`` the share of its indicators that are due (not grey for "nothing due yet")
    and green or blue; ``quadrant`` one of ``QUADRANTS``: fast when ``pace`` ≥ 1, good when ``on_track``
    ≥ ``ON_TRACK_SPLIT``.  Rows in the order of ``projects`` (worst first).  No light is judged here:
    the lights are the report's (docs/domain.md §4)."""
    ind = report.indicator_frame
    due = ind[(ind["grey"] != str(Grey.NOT_DUE)) & (ind["kind"] != "not_applicable")]
    counted = due.groupby("project_id").agg(due=("indicator_id", "count"))
    counted["good"] = due[due["status"].isin(("green", "blue"))].groupby("project_id")["indicator_id"].count()
    out = projects[["project_id", "name", "status", "budget", "spent"]].merge(
        counted, left_on="project_id", right_index=True, how="left"
    )
    time_progress = report.period.month / 12
    rate = out["spent"] / out["budget"].where(out["budget"] > 0)
    out["pace"] = (rate / time_progress).fillna(0.0)
    out["on_track"] = (out["good"].fillna(0) / out["due"].where(out["due"] > 0)).fillna(0.0)
    fast = out["pace"] >= 1
    good = out["on_track"] >= ON_TRACK_SPLIT
    out["quadrant"] = [
        ("fast_good" if g else "fast_weak") if f else ("slow_good" if g else "slow_weak")
        for f, g in zip(fast, good, strict=True)
    ]
    return out[["project_id", "name", "status", "budget", "pace", "on_track", "quadrant"]].reset_index(drop=True)
