"""The overview's figures, made once per data version and month, so that a page sends only what it shows.

A city-scale year (2,000–20,000 projects) is judged once (``compute_status``); from its frames this module
makes the projects worst first with their light counts, the units (``project.unit``) rolled up the same
way, and, for the page on screen only, typed records (``page_projects``) and the attention list with its
explanations (``attention_rows``).  No rule is restated here: every light comes from the status frames,
and records and explanations from the report itself, cut to the projects wanted (``subreport``).
See docs/design.md (the dashboard floor) and docs/domain.md (lights).

Who sees what (docs/domain.md §10): ``scoped_ids`` narrows the year to the projects an actor's unit
assignment shows (``core.accounts.visible_project_ids``, the one scoping function) and to a unit chosen on the
page; ``review_marks`` reads which projects' month is not yet approved (待审核) and the latest approved month
of each, and ``approved_report`` puts together the lights as of each project's latest approved month.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from core.accounts import Actor, visible_project_ids
from metrics.lights import WORST_FIRST
from metrics.review_state import State
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
    approved_months: tuple[int, ...] = field(default=())  # approved-only view: the months its lights are as of

    @property
    def grouped(self) -> bool:
        """Units are shown as rows that open into their projects only when there is more than one."""
        return len(self.units) > 1


def summarise(report: StatusReport, units: pd.DataFrame) -> Overview:
    """The overview of ``report``; ``units`` maps ``project_id`` to ``unit`` (the project table's column)."""
    p = report.project_frame[["project_id", "project", "status", "budget_status", "budget", "spent", "n_months"]]
    p = p.rename(columns={"project": "name"}).reset_index(drop=True)
    p = p.join(_light_counts(report.indicator_frame, p["project_id"]))
    p["spent"] = p["spent"].where(p["n_months"].fillna(0) > 0, 0).fillna(0)
    p = p.merge(units[["project_id", "unit"]], on="project_id", how="left")
    p["unit"] = p["unit"].fillna("")
    p["severity"] = p["status"].map(SEVERITY)
    p["position"] = range(len(p))  # the target table's order breaks ties, as ``worst_first`` does
    p = p.sort_values(["severity", "red", "yellow", "position"], ascending=[True, False, False, True])
    p = p.reset_index(drop=True)

    # a unit's 执行率 is its spending over its budget: each project's rate weighted by its budget
    by_unit = p.groupby("unit", sort=False)
    least = by_unit[["severity", "position"]].min()
    u = pd.concat(
        [
            by_unit["project_id"].count().rename("projects"),
            least["severity"],
            by_unit[[*LIGHTS, "budget", "spent"]].sum(),
        ],
        axis=1,
    )
    u = u[["projects", "severity", "red", "yellow", "grey", "green", "blue", "budget", "spent"]]
    u["first"] = least["position"]
    u = u.reset_index().sort_values(["severity", "red", "yellow", "first"], ascending=[True, False, False, True])
    u["status"] = [LIGHTS[int(k)] for k in u["severity"]]
    u["execution_rate"] = (u["spent"] / u["budget"].where(u["budget"] > 0)).fillna(0)
    return Overview(report.month, report.unit(), p, u.reset_index(drop=True))


def _light_counts(indicators: pd.DataFrame, project_ids: pd.Series) -> pd.DataFrame:
    """How many of each project's indicators are under each light: one column per light, a row per project id
    given (0 where it has none), on ``project_ids``' index."""
    row = pd.Index(project_ids.to_numpy()).get_indexer(indicators["project_id"].to_numpy())
    light = pd.Index(LIGHTS).get_indexer(indicators["status"].to_numpy(dtype=object))
    kept = (row >= 0) & (light >= 0)
    counts = np.zeros((len(project_ids), len(LIGHTS)), dtype="int64")
    np.add.at(counts, (row[kept], light[kept]), 1)
    return pd.DataFrame(counts, columns=LIGHTS, index=project_ids.index)


def matching(projects: pd.DataFrame, choice: str | None) -> pd.DataFrame:
    """The projects whose own light or any indicator's light is ``choice`` (all for None or "all")."""
    if not choice or choice == "all":
        return projects
    return projects[(projects["status"] == choice) | (projects[choice] > 0)]


def subreport(report: StatusReport, project_ids: list[int]) -> StatusReport:
    """The same report cut to some projects (``StatusReport.only``)."""
    return report.only(project_ids)


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


# -- who sees what, and what is reviewed (docs/domain.md §10) ---------------------------------------------
def scoped_ids(
    con: duckdb.DuckDBPyConnection, actor: Actor | None, year: int, unit: str | None = None
) -> list[int] | None:
    """The year's projects ``actor`` may see, narrowed to ``unit`` when one is chosen; None: all of them."""
    visible = visible_project_ids(con, actor) if actor is not None else None
    if visible is None and not unit:
        return None
    rows = con.execute("SELECT project_id, unit FROM project WHERE year = ? ORDER BY project_id", [year]).fetchall()
    return [p for p, u in rows if (visible is None or p in visible) and (not unit or u == unit)]


def scoped_units(con: duckdb.DuckDBPyConnection, actor: Actor | None, year: int) -> list[str]:
    """The units (``project.unit``) of the projects ``actor`` sees in ``year``: the overview's unit filter."""
    ids = scoped_ids(con, actor, year)
    seen = None if ids is None else set(ids)
    rows = con.execute("SELECT project_id, unit FROM project WHERE year = ? ORDER BY unit", [year]).fetchall()
    return list(dict.fromkeys(u for p, u in rows if seen is None or p in seen))


def scope(report: StatusReport, project_ids: list[int] | None) -> StatusReport:
    """The report cut to the projects seen (the whole report, shared, when there is no scope)."""
    return report if project_ids is None else subreport(report, project_ids)


@dataclass(frozen=True)
class ReviewMarks:
    """The review state of the month shown: projects not yet approved, and each one's latest approved month."""

    pending: frozenset[int]  # the selected month is not approved (待审核)
    approved_as_of: dict[int, int]  # project → latest approved month up to the selected one (absent: none)


def review_marks(states: pd.DataFrame, project_ids: list[int], month: int) -> ReviewMarks:
    """From ``metrics.review_state.month_states`` of the year: which of ``project_ids`` are 待审核 at ``month``."""
    months = pd.to_datetime(states["month"]).dt.month if len(states) else pd.Series(dtype="int64")
    approved = states[(states["state"] == str(State.APPROVED)) & (months <= month)]
    latest = approved.assign(m=months[approved.index]).groupby("project_id")["m"].max()
    wanted = set(project_ids)
    as_of = {int(p): int(m) for p, m in latest.items() if int(p) in wanted}
    pending = frozenset(p for p in project_ids if as_of.get(p) != month)
    return ReviewMarks(pending, as_of)


def approved_report(
    selected: StatusReport, reports: dict[int, StatusReport], marks: ReviewMarks, project_ids: list[int]
) -> StatusReport:
    """Each project's lights as of its latest approved month (``reports`` by month), in one report for the
    overview's figures and rows; a project with no approved month keeps its budget, with nothing spent and
    a grey light (no indicator lights).  Records for the matrix and explanations are made from each month's
    own report (its period), not from this one."""
    parts = [subreport(reports[m], [p for p, at in marks.approved_as_of.items() if at == m]) for m in sorted(reports)]
    none = [p for p in project_ids if p not in marks.approved_as_of]
    blank = selected.project_frame[selected.project_frame["project_id"].isin(set(none))].assign(
        status="grey", budget_status="grey", spent=0.0, n_months=0
    )
    order = {p: k for k, p in enumerate(selected.project_frame["project_id"])}  # the target table's order
    frame = pd.concat([*(r.project_frame for r in parts), blank], ignore_index=True)
    frame = frame.iloc[frame["project_id"].map(order).argsort(kind="stable")].reset_index(drop=True)
    base = subreport(selected, [])
    rules = set().union(*(r.judged for r in parts)) if parts else set()
    return replace(
        base,
        project_frame=frame,
        indicator_frame=pd.concat([base.indicator_frame, *(r.indicator_frame for r in parts)], ignore_index=True),
        judged={n: pd.concat([r.judged[n] for r in parts if n in r.judged], ignore_index=True) for n in rules},
        adjustments={k: v for r in parts for k, v in r.adjustments.items()},
    )


def with_review(ov: Overview, marks: ReviewMarks, approved_only: bool) -> Overview:
    """The overview with each project's 待审核 mark and approved month (``as_of``, 0 for none), and per unit
    the number of projects awaiting review."""
    p = ov.projects.assign(
        pending=ov.projects["project_id"].isin(marks.pending),
        as_of=ov.projects["project_id"].map(marks.approved_as_of).fillna(0).astype("int64"),
    )
    pending = p.groupby("unit")["pending"].sum() * (not approved_only)  # approved only: nothing shown pending
    u = ov.units.assign(pending=ov.units["unit"].map(pending).fillna(0).astype("int64")) if len(ov.units) else ov.units
    months = tuple(sorted({int(m) for m in p["as_of"]})) if approved_only else ()
    return replace(ov, projects=p, units=u, approved_months=months)


# phone14: budget × results (issue 14, part 4) ----------------------------------------------------------
ON_TRACK_SPLIT = 0.8  # results are "good" when at least 80% of the indicators due are green or blue
QUADRANT_AT_ONCE = 300  # projects: up to this many the chart is drawn with the page, above when asked for
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
