"""Which red and yellow indicators of a month still lack their explanation (docs/domain.md §10).

Submitting a month in which an indicator is red or yellow (its light as of that month, ``metrics.status``)
needs its 偏差原因 and 纠偏措施, and in ``[cycle] likelihood_months`` (the half-year) its 完成目标可能性 too.
They are read as the forms read them (``metrics.entered_texts``): the latest entered up to the month
(``indicator_value`` for the indicator; for an indicator judged from the budget also ``budget_month``'s
reason and measures for the project).  Targets of the prose (计划内目标) are not asked: nothing can be entered
for them.  The 完成目标可能性 of a budget indicator is not asked: the form asks 全年预计执行数 for the money.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from core.config import Config
from metrics.due import stream_of_rule
from metrics.entered_texts import budget_texts, indicator_texts
from metrics.lights import RED, YELLOW
from metrics.status import compute_status

FIELDS = {
    "reason": ("偏差原因", "deviation reason"),
    "measures": ("纠偏措施", "corrective measures"),
    "likelihood": ("完成目标可能性", "likelihood of meeting the target"),
}


@dataclass(frozen=True)
class MissingExplanation:
    """A red or yellow indicator of the month and the texts it still lacks (keys of ``FIELDS``)."""

    project_id: int
    indicator_id: int
    indicator: str
    status: str  # "red" | "yellow"
    lacks: tuple[str, ...]

    @property
    def zh(self) -> str:
        light = "红灯" if self.status == RED else "黄灯"
        return f"{self.indicator}（{light}）缺{'、'.join(FIELDS[k][0] for k in self.lacks)}"

    @property
    def en(self) -> str:
        return f"{self.indicator} ({self.status}) lacks its {', '.join(FIELDS[k][1] for k in self.lacks)}"


def missing_explanations(
    con: duckdb.DuckDBPyConnection, config: Config, year: int, month: int, project_ids=None
) -> dict[int, list[MissingExplanation]]:
    """Per project (all of the year, or ``project_ids``): its red and yellow indicators of ``month`` still
    lacking a text; a project with nothing missing is absent.  The lights are judged once for the month."""
    wanted = None if project_ids is None else {int(p) for p in project_ids}
    one = None
    if wanted is not None and len(wanted) == 1:  # one project's submit judges that project's lights only
        row = con.execute("SELECT name FROM project WHERE project_id = ?", [next(iter(wanted))]).fetchone()
        one = row[0] if row else None
    report = compute_status(con, config, year, month, one)
    texts, budget = indicator_texts(con, year, month), budget_texts(con, year, month)
    ask_likelihood = month in config.cycle.likelihood_months
    out: dict[int, list[MissingExplanation]] = {}
    for project in report.projects:
        if wanted is not None and project.project_id not in wanted:
            continue
        for i in project.indicators:
            if i.origin != "table" or i.status not in (RED, YELLOW):
                continue
            own = texts.get(i.indicator_id, {})
            from_budget = stream_of_rule(str(i.rule)) == "budget"
            spare = budget.get(project.project_id, {}) if from_budget else {}
            lacks = [k for k in ("reason", "measures") if not (own.get(k) or spare.get(k))]
            if ask_likelihood and not from_budget and not own.get("likelihood"):
                lacks.append("likelihood")
            if lacks:
                out.setdefault(project.project_id, []).append(
                    MissingExplanation(project.project_id, i.indicator_id, i.name, str(i.status), tuple(lacks))
                )
    return out
